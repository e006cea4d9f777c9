package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.rtp.AudioSpecificConfig;
import io.sluice.stream.AccessUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class AdtsFramerTest {

    /** ADTS fields as a reader parses them back. */
    record Adts(int profile, int sampleRateIndex, int channels, int frameLength) {
        static Adts parse(byte[] h) {
            assertThat(h[0] & 0xFF).isEqualTo(0xFF);
            assertThat(h[1] & 0xF6).as("syncword end, layer 0").isEqualTo(0xF0);
            assertThat(h[1] & 1).as("protection_absent").isEqualTo(1);
            assertThat(h[6] & 3).as("one raw data block").isZero();
            return new Adts((h[2] & 0xFF) >> 6, (h[2] >> 2) & 0xF, ((h[2] & 1) << 2) | ((h[3] & 0xFF) >> 6),
                    ((h[3] & 3) << 11) | ((h[4] & 0xFF) << 3) | ((h[5] & 0xFF) >> 5));
        }
    }

    static Stream<Arguments> configs() {
        return Stream.of(
                // the captures' AAC-LC 48 kHz stereo, as mpeg4-generic and inside a LATM StreamMuxConfig
                Arguments.of(AudioSpecificConfig.fromMpeg4GenericConfig("1190"), new Adts(1, 3, 2, 0)),
                Arguments.of(AudioSpecificConfig.fromLatmConfig("400023203fc0"), new Adts(1, 3, 2, 0)),
                // HE-AAC with explicit SBR: core LC at 24 kHz, extension 48 kHz; ADTS says the core
                Arguments.of(AudioSpecificConfig.parse(HexFormat.of().parseHex("2b118800")), new Adts(1, 6, 2, 0)),
                // AAC-LC 44.1 kHz mono, 5.1 at 32 kHz
                Arguments.of(AudioSpecificConfig.fromMpeg4GenericConfig("1208"), new Adts(1, 4, 1, 0)),
                Arguments.of(AudioSpecificConfig.fromMpeg4GenericConfig("12b0"), new Adts(1, 5, 6, 0)));
    }

    @ParameterizedTest
    @MethodSource("configs")
    void headerCarriesTheConfigurationAndTheFrameLength(AudioSpecificConfig asc, Adts expected) {
        byte[] raw = new byte[300];
        Arrays.fill(raw, (byte) 0x21);
        ByteBuf out = Unpooled.buffer();
        AccessUnit au = new AccessUnit(0, List.of(Unpooled.wrappedBuffer(raw)), true);
        assertThat(new AdtsFramer(asc).frame(au, out)).isTrue();
        byte[] b = ByteBufUtil.getBytes(out);
        assertThat(Adts.parse(b)).isEqualTo(new Adts(expected.profile(), expected.sampleRateIndex(),
                expected.channels(), 307));
        assertThat(Arrays.copyOfRange(b, 7, b.length)).isEqualTo(raw);
        au.release();
        out.release();
    }

    @Test
    void refusesWhatAdtsCannotSay() {
        // AAC-LD (object type 23) has no 2-bit ADTS profile
        assertThatThrownBy(() -> new AdtsFramer(AudioSpecificConfig.parse(HexFormat.of().parseHex("b98800"))))
                .isInstanceOf(TsMuxException.class).hasMessageContaining("object type 23");
        ByteBuf big = Unpooled.buffer(8200).writeZero(8200);
        AccessUnit au = new AccessUnit(0, List.of(big), true);
        ByteBuf out = Unpooled.buffer();
        assertThatThrownBy(() -> new AdtsFramer(AudioSpecificConfig.fromMpeg4GenericConfig("1190")).frame(au, out))
                .isInstanceOf(TsMuxException.class).hasMessageContaining("8200 bytes");
        au.release();
        out.release();
    }
}
