package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtpHeaderTest {

    /** V=2 P=1 X=1 CC=2, M=1 PT=96, seq 0xfffe, ts 0x80000001, ssrc 0xdeadbeef, 2 CSRCs, 1-word extension, 3 payload bytes, 2 bytes padding. */
    static final String FULL = "b2e0fffe80000001deadbeef" + "00000001" + "00000002" + "bede0001" + "10ff0000" + "616263" + "0002";

    static ByteBuf full() {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(FULL));
    }

    @Test
    void readsEveryField() {
        ByteBuf p = full();
        assertThat(RtpHeader.version(p)).isEqualTo(2);
        assertThat(RtpHeader.padding(p)).isTrue();
        assertThat(RtpHeader.extension(p)).isTrue();
        assertThat(RtpHeader.csrcCount(p)).isEqualTo(2);
        assertThat(RtpHeader.csrc(p, 1)).isEqualTo(2);
        assertThat(RtpHeader.marker(p)).isTrue();
        assertThat(RtpHeader.payloadType(p)).isEqualTo(96);
        assertThat(RtpHeader.sequenceNumber(p)).isEqualTo(0xfffe);
        assertThat(RtpHeader.timestamp(p)).isEqualTo(0x80000001L);
        assertThat(RtpHeader.ssrc(p)).isEqualTo(0xdeadbeefL);
        assertThat(RtpHeader.extensionProfile(p)).isEqualTo(0xbede);
        assertThat(RtpHeader.payloadOffset(p)).isEqualTo(12 + 8 + 8);
        assertThat(RtpHeader.payloadLength(p)).isEqualTo(3);
        assertThat(ByteBufUtil.getBytes(RtpHeader.payload(p))).containsExactly('a', 'b', 'c');
        assertThat(RtpHeader.isValid(p)).isTrue();
    }

    @Test
    void honoursTheReaderIndex() {
        ByteBuf p = Unpooled.buffer();
        p.writeBytes(new byte[] {9, 9, 9});
        p.writeBytes(full());
        p.readerIndex(3);
        assertThat(RtpHeader.sequenceNumber(p)).isEqualTo(0xfffe);
        assertThat(RtpHeader.payloadLength(p)).isEqualTo(3);
        assertThat(ByteBufUtil.getBytes(RtpHeader.payload(p))).containsExactly('a', 'b', 'c');
    }

    @Test
    void settersRewriteInPlace() {
        ByteBuf p = full();
        RtpHeader.setSequenceNumber(p, 7);
        RtpHeader.setTimestamp(p, 0xffffffffL);
        RtpHeader.setSsrc(p, 0x01020304L);
        RtpHeader.setPayloadType(p, 111);
        assertThat(RtpHeader.sequenceNumber(p)).isEqualTo(7);
        assertThat(RtpHeader.timestamp(p)).isEqualTo(0xffffffffL);
        assertThat(RtpHeader.ssrc(p)).isEqualTo(0x01020304L);
        assertThat(RtpHeader.payloadType(p)).isEqualTo(111);
        assertThat(RtpHeader.marker(p)).as("marker kept").isTrue();
        RtpHeader.setMarker(p, false);
        assertThat(RtpHeader.marker(p)).isFalse();
        assertThat(RtpHeader.payloadType(p)).isEqualTo(111);
        assertThat(RtpHeader.payloadLength(p)).isEqualTo(3);
        assertThatThrownBy(() -> RtpHeader.setPayloadType(p, 128)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "80", "80e0fffe80000001deadbe", // shorter than the fixed header
            "40e0fffe80000001deadbeef", // version 1
            "82e0fffe80000001deadbeef00000001", // 2 CSRCs, 1 present
            "90e0fffe80000001deadbeefbede", // extension header cut
            "90e0fffe80000001deadbeefbede000100", // extension longer than the packet
            "a0e0fffe80000001deadbeef00", // padding 0
            "a0e0fffe80000001deadbeef0005", // padding longer than the payload
    })
    void malformedPacketsAreInvalidAndValidateNamesTheProblem(String hex) {
        ByteBuf p = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
        assertThat(RtpHeader.isValid(p)).isFalse();
        assertThat(RtpHeader.payloadOffset(p)).isEqualTo(-1);
        assertThat(RtpHeader.payloadLength(p)).isEqualTo(-1);
        assertThatThrownBy(() -> RtpHeader.validate(p)).isInstanceOf(RtpPacketException.class).hasMessageContaining("RTP");
        assertThatThrownBy(() -> RtpHeader.payload(p)).isInstanceOf(RtpPacketException.class);
    }

    @Test
    void paddingMayTakeTheWholePayload() {
        ByteBuf p = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("a0e0fffe80000001deadbeef000003"));
        assertThat(RtpHeader.payloadLength(p)).isZero();
    }

    @Test
    void garbageOfEveryLengthOnlyEverThrowsTheTypedException() {
        Random r = new Random(1);
        for (int len = 0; len <= 40; len++) {
            for (int i = 0; i < 500; i++) {
                byte[] b = new byte[len];
                r.nextBytes(b);
                if (i % 2 == 0 && len > 0) {
                    b[0] = (byte) (0x80 | (b[0] & 0x3f)); // version 2 half the time, to get past the first check
                }
                ByteBuf p = Unpooled.wrappedBuffer(b);
                boolean valid = RtpHeader.isValid(p);
                assertThat(RtpHeader.payloadOffset(p) >= 0).isEqualTo(valid);
                if (valid) {
                    assertThatCode(() -> RtpHeader.validate(p)).doesNotThrowAnyException();
                    assertThat(RtpHeader.payloadOffset(p) + RtpHeader.payloadLength(p)).isLessThanOrEqualTo(len);
                } else {
                    assertThatThrownBy(() -> RtpHeader.validate(p)).isInstanceOf(RtpPacketException.class);
                }
            }
        }
    }

    @Test
    void everyCapturedPacketIsValid() {
        for (String c : new String[] {"ffmpeg51-h264-baseline-udp", "ffmpeg51-opus-udp", "ffmpeg51-vp8-udp"}) {
            assertThat(Captures.rtp(c)).isNotEmpty().allSatisfy(b -> {
                ByteBuf p = Unpooled.wrappedBuffer(b);
                assertThat(RtpHeader.isValid(p)).isTrue();
                assertThat(RtpHeader.version(p)).isEqualTo(2);
                assertThat(RtpHeader.payloadOffset(p)).isEqualTo(12);
            });
        }
    }
}
