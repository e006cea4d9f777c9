package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.QualityMeter.VideoParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SpsProbe and the SPS parsers it uses, on parameter sets real encoders wrote (captures/rtp/README.md). */
class SpsProbeTest {

    private static byte[] nal(String file, int type, boolean h265) {
        for (byte[] n : Captures.annexB(Captures.resource(file))) {
            if ((h265 ? H265Keyframes.nalType(n[0]) : n[0] & 0x1f) == type) {
                return n;
            }
        }
        throw new AssertionError("no NAL type " + type + " in " + file);
    }

    @Test
    void h264SpsGivesTheCroppedSizeAndTheVuiFrameRate() {
        byte[] sps = nal("ffmpeg51-h264-1080p25-parameter-sets.h264", H264Keyframes.NAL_SPS, false);
        H264Sps s = H264Sps.parse(sps);
        assertThat(List.of(s.width(), s.height())).containsExactly(1920, 1080);
        assertThat(H264Sps.declaredFps(sps)).isEqualTo(25.0);
        byte[] baseline = nal("ffmpeg51-h264-baseline.h264", H264Keyframes.NAL_SPS, false);
        assertThat(H264Sps.declaredFps(baseline)).isEqualTo(30.0);
    }

    @Test
    void h265SpsGivesTheSizeLessTheConformanceWindow() {
        H265Sps s = H265Sps.parse(nal("ffmpeg51-h265-426x240-parameter-sets.h265", H265Keyframes.NAL_SPS, true));
        assertThat(s).isEqualTo(new H265Sps(426, 240));
        assertThat(H265Sps.parse(nal("ffmpeg51-h265.h265", H265Keyframes.NAL_SPS, true)))
                .isEqualTo(new H265Sps(320, 240));
    }

    @Test
    void truncatedOrWrongNalIsATypedErrorNamingIt() {
        byte[] sps = nal("ffmpeg51-h265-426x240-parameter-sets.h265", H265Keyframes.NAL_SPS, true);
        assertThatThrownBy(() -> H265Sps.parse(java.util.Arrays.copyOf(sps, 10)))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("H265 SPS");
        byte[] pps = nal("ffmpeg51-h265-426x240-parameter-sets.h265", H265Keyframes.NAL_PPS, true);
        assertThatThrownBy(() -> H265Sps.parse(pps)).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("not an H265 SPS").hasMessageContaining("NAL type 34");
    }

    @Test
    void announcedSpsIsReadFromTheFormat() {
        assertThat(SpsProbe.announced(Captures.format("ffmpeg51-h265-udp", Codec.H265)))
                .isEqualTo(new VideoParams(320, 240, 0));
        // parameter sets only in-band: nothing announced
        assertThat(SpsProbe.announced(Captures.format("ffmpeg51-h264-high-bf2-udp", Codec.H264))).isNull();
        assertThat(SpsProbe.forFormat(new Format(111, Codec.OPUS, "opus", 48000, 2, ""))).isNull();
    }

    /** The params the probe reports over a whole capture, in order: one entry per distinct SPS. */
    private static List<VideoParams> probeAll(String capture, Codec codec) {
        SpsProbe probe = (SpsProbe) SpsProbe.forFormat(Captures.format(capture, codec));
        List<VideoParams> seen = new ArrayList<>();
        for (byte[] p : Captures.rtp(capture)) {
            ByteBuf b = Unpooled.wrappedBuffer(p);
            VideoParams v = probe.probe(b);
            assertThat(b.readerIndex()).isZero(); // the packet is left as it was
            if (v != null) {
                seen.add(v);
            }
        }
        assertThat(probe.badSps()).isZero();
        return seen;
    }

    @Test
    void probeReadsInBandSpsOnceFromStapAAndSingleNalPackets() {
        // ffmpeg's STAP-A (SPS+PPS+SEI) before each IDR: the same SPS twice, reported once
        assertThat(probeAll("ffmpeg51-h264-baseline-udp", Codec.H264)).containsExactly(new VideoParams(320, 240, 30));
        // x264 high profile, SPS in-band as a single NAL unit
        assertThat(probeAll("ffmpeg51-h264-high-bf2-udp", Codec.H264)).containsExactly(new VideoParams(320, 240, 30));
    }

    @Test
    void probeReadsInBandH265SpsFromAggregationPackets() {
        assertThat(probeAll("ffmpeg51-h265-udp", Codec.H265)).containsExactly(new VideoParams(320, 240, 0));
    }
}
