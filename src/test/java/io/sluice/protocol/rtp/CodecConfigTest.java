package io.sluice.protocol.rtp;

import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parameter sets and AudioSpecificConfig from the SDPs ffmpeg wrote for the captures. */
class CodecConfigTest {

    @Test
    void h264SpropParameterSets() {
        H264ParameterSets ps = H264ParameterSets.fromFormat(Captures.format("ffmpeg51-h264-baseline-udp", Codec.H264));
        assertThat(ps.sps()[0] & 0x1f).isEqualTo(7);
        assertThat(ps.pps()[0] & 0x1f).isEqualTo(8);
        // profile-level-id=42C00D
        assertThat(ps.parsedSps()).isEqualTo(new H264Sps(66, 0xc0, 13, 320, 240));
    }

    @Test
    void h264SpsWithCroppingAndHighProfile() {
        // x264 1920x1080 high profile SPS: 1088 coded lines cropped to 1080
        byte[] sps = HexFormat.of().parseHex("6764002aacd940780227e5c044000003000400000300f03c60c658");
        assertThat(H264Sps.parse(sps)).satisfies(s -> {
            assertThat(s.profileIdc()).isEqualTo(100);
            assertThat(s.width()).isEqualTo(1920);
            assertThat(s.height()).isEqualTo(1080);
        });
    }

    @Test
    void h264SpropErrorsNameTheValue() {
        assertThatThrownBy(() -> H264ParameterSets.parse("Z0LADdkBQfsBEAAAAwAQAAADA8jxQqSA"))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("lacks a PPS");
        assertThatThrownBy(() -> H264ParameterSets.parse("!!,aMuDyyA=")).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("!!");
        assertThatThrownBy(() -> H264Sps.parse(new byte[] {0x67, 0x42})).isInstanceOf(RtpFormatException.class);
        assertThat(H264ParameterSets.fromFormat(new Format(96, Codec.H264, "H264", 90000, 0, ""))).isNull();
    }

    @Test
    void h265SpropParameterSets() {
        H265ParameterSets ps = H265ParameterSets.fromFormat(Captures.format("ffmpeg51-h265-udp", Codec.H265));
        assertThat(H265Keyframes.nalType(ps.vps()[0])).isEqualTo(32);
        assertThat(H265Keyframes.nalType(ps.sps()[0])).isEqualTo(33);
        assertThat(H265Keyframes.nalType(ps.pps()[0])).isEqualTo(34);
        assertThatThrownBy(() -> H265ParameterSets.fromFormat(
                new Format(96, Codec.H265, "H265", 90000, 0, "sprop-vps=QAEMAf//AWAAAAMAkAAAAwAAAwA8lZgJ")))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("sprop-sps");
    }

    @Test
    void mpeg4GenericConfig() {
        Format f = Captures.format("ffmpeg51-aac-mpeg4generic-udp", Codec.MPEG4_AUDIO);
        AudioSpecificConfig c = AudioSpecificConfig.fromMpeg4GenericConfig(f.fmtpParam("config"));
        assertThat(c.objectType()).isEqualTo(2);
        assertThat(c.sampleRate()).isEqualTo(48000);
        assertThat(c.channels()).isEqualTo(2);
        assertThat(c.frameLength()).isEqualTo(1024);
        assertThat(c.bytes()).isEqualTo(HexFormat.of().parseHex("119056e500"));
    }

    @Test
    void latmStreamMuxConfig() {
        Format f = Captures.format("ffmpeg51-aac-latm-udp", Codec.MPEG4_AUDIO_LATM);
        AudioSpecificConfig c = AudioSpecificConfig.fromLatmConfig(f.fmtpParam("config"));
        assertThat(c).isEqualTo(new AudioSpecificConfig(2, 48000, 2, 1024, HexFormat.of().parseHex("1190")));
    }

    @Test
    void heAacAndErrors() {
        // HE-AAC explicit: AOT 5, 24 kHz core, stereo, 48 kHz extension, core AOT 2
        AudioSpecificConfig he = AudioSpecificConfig.parse(HexFormat.of().parseHex("2b098800"));
        assertThat(he.objectType()).isEqualTo(5);
        assertThat(he.sampleRate()).isEqualTo(48000);
        assertThat(he.frameLength()).isEqualTo(2048);
        assertThatThrownBy(() -> AudioSpecificConfig.fromMpeg4GenericConfig("zz")).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("zz");
        assertThatThrownBy(() -> AudioSpecificConfig.fromMpeg4GenericConfig("11")).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> AudioSpecificConfig.fromMpeg4GenericConfig("1690")).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("index 13");
    }
}
