package io.sluice.protocol.rtp;

import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtpFormatsTest {

    @Test
    void h264FormatFromTheCapturesParameterSetsIsTheOneFfmpegAnnounced() {
        Format captured = Captures.format(H264DepacketizerTest.CAPTURE, Codec.H264);
        H264ParameterSets ps = H264ParameterSets.fromFormat(captured);
        Format f = RtpFormats.h264(96, ps.sps(), ps.pps());
        assertThat(f).isEqualTo(captured);
        assertThat(f.rtpmap()).isEqualTo("H264/90000");
        assertThat(H264ParameterSets.fromFormat(f)).isEqualTo(ps);
        Depacketizer.forFormat(f).close();
    }

    @Test
    void h264WithoutParameterSetsLeavesThemInBand() {
        assertThat(RtpFormats.h264(96, null, null).fmtp()).isEqualTo("packetization-mode=1");
        // an SPS alone still gives the profile, but a receiver needs both for sprop
        assertThat(RtpFormats.h264(96, H264PacketizerTest.SPS, null).fmtp())
                .isEqualTo("packetization-mode=1; profile-level-id=42C00D");
        assertThat(H264ParameterSets.fromFormat(RtpFormats.h264(96, null, null))).isNull();
        assertThatThrownBy(() -> RtpFormats.h264(96, new byte[] {0x67, 0x42}, H264PacketizerTest.PPS))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("6742");
        assertThatThrownBy(() -> RtpFormats.h264(96, H264PacketizerTest.SPS, H264PacketizerTest.SPS))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("PPS 6742");
    }

    @Test
    void h265FormatFromTheCapturesParameterSetsIsTheOneFfmpegAnnounced() {
        Format captured = Captures.format(H265DepacketizerTest.CAPTURE, Codec.H265);
        H265ParameterSets ps = H265ParameterSets.fromFormat(captured);
        Format f = RtpFormats.h265(96, ps.vps(), ps.sps(), ps.pps());
        assertThat(f).isEqualTo(captured);
        assertThat(H265ParameterSets.fromFormat(f)).isEqualTo(ps);
        assertThat(RtpFormats.h265(96, ps.vps(), null, ps.pps()).fmtp()).isEmpty();
        assertThatThrownBy(() -> RtpFormats.h265(96, ps.sps(), ps.sps(), ps.pps()))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("VPS");
    }

    @Test
    void aacFormatCarriesTheConfigAndItsRateAndChannels() {
        Format captured = Captures.format("ffmpeg51-aac-mpeg4generic-udp", Codec.MPEG4_AUDIO);
        byte[] asc = HexFormat.of().parseHex(captured.fmtpParam("config"));
        Format f = RtpFormats.aac(97, asc);
        assertThat(f.rtpmap()).isEqualTo("MPEG4-GENERIC/48000/2").isEqualToIgnoringCase(captured.rtpmap());
        for (String p : new String[] {"mode", "sizelength", "indexlength", "indexdeltalength", "profile-level-id"}) {
            assertThat(f.fmtpParam(p)).as(p).isEqualTo(captured.fmtpParam(p));
        }
        assertThat(f.fmtpParam("streamtype")).isEqualTo("5");
        assertThat(AudioSpecificConfig.fromMpeg4GenericConfig(f.fmtpParam("config"))).isEqualTo(AudioSpecificConfig.parse(asc));
        Depacketizer.forFormat(f).close();
        // 22.05 kHz mono
        assertThat(RtpFormats.aac(97, new byte[] {0x13, (byte) 0x88}).rtpmap()).isEqualTo("MPEG4-GENERIC/22050/1");
        assertThatThrownBy(() -> RtpFormats.aac(97, new byte[] {0x17})).isInstanceOf(RtpFormatException.class);
    }

    @Test
    void opusIsAlways48kHzStereoInTheRtpmap() {
        Format captured = Captures.format("ffmpeg51-opus-udp", Codec.OPUS);
        assertThat(RtpFormats.opus(97, 2).rtpmap()).isEqualTo(captured.rtpmap()).isEqualTo("opus/48000/2");
        assertThat(RtpFormats.opus(97, 2).fmtp()).isEqualTo("sprop-stereo=1");
        assertThat(RtpFormats.opus(97, 1).rtpmap()).isEqualTo("opus/48000/2");
        assertThat(RtpFormats.opus(97, 1).fmtp()).isEmpty();
        assertThatThrownBy(() -> RtpFormats.opus(97, 6)).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("6");
    }

    @Test
    void g711UsesTheStaticPayloadTypes() {
        assertThat(RtpFormats.pcmu()).isEqualTo(new Format(0, Codec.G711_PCMU, "PCMU", 8000, 1, ""));
        assertThat(RtpFormats.pcma()).isEqualTo(new Format(8, Codec.G711_PCMA, "PCMA", 8000, 1, ""));
    }
}
