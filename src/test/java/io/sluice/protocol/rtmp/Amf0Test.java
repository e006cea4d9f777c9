package io.sluice.protocol.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Amf0Test {

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** value, its exact encoding. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(1.0, "003ff0000000000000"),
                Arguments.of(true, "0101"),
                Arguments.of(false, "0100"),
                Arguments.of("connect", "020007636f6e6e656374"),
                Arguments.of("", "020000"),
                Arguments.of(null, "05"),
                Arguments.of(map("app", "live"), "0300036170700200046c697665000009"),
                Arguments.of(map(), "03000009"),
                Arguments.of(Arrays.asList(1.0, null), "0a00000002003ff000000000000005"),
                Arguments.of(map("a", map("b", List.of())), "03000161030001620a00000000000009000009"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void roundTrip(Object value, String hex) throws RtmpProtocolException {
        ByteBuf b = Unpooled.buffer();
        Amf0.encode(b, value);
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo(hex);
        assertThat(Amf0.decode(b)).isEqualTo(value);
        assertThat(b.isReadable()).isFalse();
        b.release();
    }

    @Test
    void numbersOfAnyTypeEncodeAsDouble() throws RtmpProtocolException {
        ByteBuf b = Unpooled.buffer();
        Amf0.encode(b, 5, 7L, 1.5f);
        assertThat(Amf0.decodeAll(b)).containsExactly(5.0, 7.0, 1.5);
        b.release();
    }

    @Test
    void ecmaArrayAndLongString() throws RtmpProtocolException {
        String longString = "x".repeat(70000);
        ByteBuf b = Unpooled.buffer();
        Amf0.encode(b, new Amf0.EcmaArray(map("width", 640.0, "s", longString)));
        assertThat(b.getByte(0)).isEqualTo((byte) 0x08);
        assertThat(b.getInt(1)).isEqualTo(2);
        assertThat(b.getByte(1 + 4 + 2 + 5 + 9 + 2 + 1)).isEqualTo((byte) 0x0C);
        assertThat(Amf0.decode(b)).isEqualTo(map("width", 640.0, "s", longString));
        b.release();
    }

    @Test
    void decodesDateUndefinedTypedObjectAndUnterminatedEcmaArray() throws RtmpProtocolException {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "0b3ff00000000000000000" + "06" + "100001430001610101000009".replace(" ", "")
                        + "0800000001000178003ff0000000000000"));
        assertThat(Amf0.decodeAll(b)).containsExactly(1.0, null, map("a", true), map("x", 1.0));
        b.release();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("01", "truncated AMF0 boolean at offset 1"),
                Arguments.of("003ff0", "truncated AMF0 number at offset 1: need 8 bytes, have 2"),
                Arguments.of("020010616263", "string length 16 at offset 1 exceeds the 3 bytes left"),
                Arguments.of("0300016105", "truncated AMF0 string length at offset 5"),
                Arguments.of("030000 05", "empty property name followed by marker 0x05 at offset 3"),
                Arguments.of("0a7fffffff05", "strict array count 2147483647 at offset 0 exceeds the 1 bytes left"),
                Arguments.of("0700 01", "unsupported AMF0 type marker 0x07 at offset 0"),
                Arguments.of("11", "unsupported AMF0 type marker 0x11 at offset 0"),
                Arguments.of("0a00000001".repeat(40) + "05", "AMF0 nesting deeper than 32 at offset 160"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedThrowsTypedException(String hex, String message) {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex.replace(" ", "")));
        assertThatThrownBy(() -> Amf0.decodeAll(b)).isInstanceOf(RtmpProtocolException.class)
                .hasMessageContaining(message);
        b.release();
    }

    @Test
    void randomBytesOnlyThrowTheTypedException() {
        Random r = new Random(7);
        for (int i = 0; i < 20000; i++) {
            byte[] bytes = new byte[r.nextInt(40)];
            r.nextBytes(bytes);
            if (bytes.length > 0) {
                bytes[0] = (byte) r.nextInt(0x12);
            }
            ByteBuf b = Unpooled.wrappedBuffer(bytes);
            try {
                Amf0.decodeAll(b);
            } catch (RtmpProtocolException expected) {
                assertThat(expected.getMessage()).contains("offset");
            }
        }
    }

    @Test
    void encodeRejectsUnmappedTypes() {
        ByteBuf b = Unpooled.buffer();
        assertThatThrownBy(() -> Amf0.encode(b, new Object())).isInstanceOf(IllegalArgumentException.class);
        List<Object> deep = new ArrayList<>();
        List<Object> cur = deep;
        for (int i = 0; i < 40; i++) {
            List<Object> next = new ArrayList<>();
            cur.add(next);
            cur = next;
        }
        assertThatThrownBy(() -> Amf0.encode(b, deep)).isInstanceOf(IllegalArgumentException.class);
        b.release();
    }
}
