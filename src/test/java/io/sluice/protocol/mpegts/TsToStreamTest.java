package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.rtp.AudioSpecificConfig;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real captures through {@link TsToStream} into a {@link io.sluice.stream.Stream}, fed in 1316-byte
 * chunks as SRT delivers them. The captures and the commands that made them are listed in
 * src/test/resources/captures/mpegts/README.md.
 */
class TsToStreamTest {

    /** 2 s at 25 fps with a keyframe every 25 frames: 50 frames, keyframes 1 s apart, 3600 ticks per frame. */
    private static void assertVideo(TsToStreamRun r, long firstPts, int nalTypeAud, boolean h265) {
        List<TsToStreamRun.Au> video = r.aus(0);
        assertThat(video).hasSize(50);
        assertThat(video).filteredOn(TsToStreamRun.Au::keyframe).extracting(TsToStreamRun.Au::timestamp)
                .containsExactly(firstPts, firstPts + 90_000);
        List<Long> pts = video.stream().map(TsToStreamRun.Au::timestamp).sorted().toList();
        for (int i = 1; i < pts.size(); i++) {
            assertThat(pts.get(i) - pts.get(i - 1)).isEqualTo(3600);
        }
        assertThat(video).allSatisfy(au -> assertThat(au.units()).allSatisfy(n -> {
            int type = h265 ? (n[0] >> 1) & 0x3f : n[0] & 0x1f;
            assertThat(type).as("no access unit delimiter").isNotEqualTo(nalTypeAud);
            assertThat(n[n.length - 1]).as("no trailing zero").isNotZero();
        }));
        // the RTP packets made once per stream depacketize to the same NAL units
        assertThat(r.depacketized.get(0)).extracting(TsToStreamRun.Au::joined)
                .containsExactlyElementsOf(video.stream().map(TsToStreamRun.Au::joined).toList());
        assertThat(r.rtp.get(0)).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(12 + 1400));
    }

    private static void assertSteps(List<TsToStreamRun.Au> aus, long... allowed) {
        for (int i = 1; i < aus.size(); i++) {
            assertThat(aus.get(i).timestamp() - aus.get(i - 1).timestamp()).as("step %d", i).isIn(
                    java.util.Arrays.stream(allowed).boxed().toArray());
        }
    }

    /** {@code ffmpeg -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine -t 2 -c:v libx264 -g 25 -b:v 150k -c:a aac -b:a 64k -f mpegts}. */
    @Test
    void ffmpegH264Aac() {
        TsToStreamRun r = TsToStreamRun.of(TsTestData.capture("ffmpeg51-h264-aac.ts"), TsTestData.SRT_CHUNK);
        assertThat(r.problems).isEmpty();
        assertThat(r.unreleasedBytes()).isZero();
        assertThat(r.probeReady).isTrue();
        assertThat(r.skipped).isNull();
        Format v = r.desc.medias().get(0).format();
        Format a = r.desc.medias().get(1).format();
        assertThat(List.of(v.codec(), a.codec())).containsExactly(Codec.H264, Codec.MPEG4_AUDIO);
        assertThat(List.of(v.payloadType(), a.payloadType())).containsExactly(96, 97);
        assertThat(v.fmtpParam("profile-level-id")).isEqualTo("64000D"); // High, level 1.3
        assertThat(v.fmtpParam("sprop-parameter-sets")).isNotBlank();
        // ADTS: AAC LC (2), 44.1 kHz (index 4), mono → 00010 0100 0001 000
        assertThat(a.fmtpParam("config")).isEqualTo("1208");
        assertThat(AudioSpecificConfig.fromMpeg4GenericConfig("1208"))
                .extracting(AudioSpecificConfig::objectType, AudioSpecificConfig::sampleRate, AudioSpecificConfig::channels)
                .containsExactly(2, 44100, 1);
        assertThat(a.rtpmap()).isEqualTo("MPEG4-GENERIC/44100/1");

        assertVideo(r, 133_200, 9, false);
        assertThat(r.aus(0).getFirst().ptsOffset()).as("B-frames: PTS - DTS").isEqualTo(7200);
        assertThat(r.aus(0).getFirst().units()).extracting(n -> n[0] & 0x1f).startsWith(7, 8); // in-band SPS, PPS

        List<TsToStreamRun.Au> audio = r.aus(1);
        assertThat(audio).hasSize(88);
        assertThat(audio.getFirst().timestamp()).isEqualTo(131_110L * 44_100 / 90_000);
        assertSteps(audio, 1024);
        assertThat(r.rtp.get(1)).hasSize(88).allSatisfy(p -> assertThat(p[1] & 0x80).as("marker").isNotZero());
        assertThat(r.depacketized.get(1)).extracting(TsToStreamRun.Au::joined)
                .containsExactlyElementsOf(audio.stream().map(TsToStreamRun.Au::joined).toList());
    }

    /** The same with {@code -c:v libx265 -x265-params log-level=error -c:a libopus -b:a 48k}. */
    @Test
    void ffmpegH265Opus() {
        TsToStreamRun r = TsToStreamRun.of(TsTestData.capture("ffmpeg51-h265-opus.ts"), TsTestData.SRT_CHUNK);
        assertThat(r.problems).isEmpty();
        assertThat(r.unreleasedBytes()).isZero();
        assertThat(r.probeReady).isTrue();
        Format v = r.desc.medias().get(0).format();
        Format a = r.desc.medias().get(1).format();
        assertThat(List.of(v.codec(), a.codec())).containsExactly(Codec.H265, Codec.OPUS);
        assertThat(v.fmtp()).contains("sprop-vps=", "sprop-sps=", "sprop-pps=");
        assertThat(a.rtpmap()).isEqualTo("opus/48000/2");
        assertThat(a.fmtp()).as("mono: no sprop-stereo").isEmpty();

        assertVideo(r, 133_200, 35, true);
        List<TsToStreamRun.Au> audio = r.aus(1);
        assertThat(audio).hasSize(101);
        assertThat(audio.getFirst().timestamp()).isEqualTo(132_615L * 48_000 / 90_000);
        assertSteps(audio, 960); // 20 ms packets
        assertThat(r.rtp.get(1)).hasSize(101);
        assertThat(audio).allSatisfy(au -> assertThat(au.units().getFirst()[0] & 0xff).as("TOC").isEqualTo(0xf8));
    }

    /** {@code ffmpeg -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine -t 2 -c:v libx264 -g 25 -b:v 150k -c:a mp2 -b:a 64k -f mpegts}. */
    @Test
    void ffmpegH264Mp2() {
        TsToStreamRun r = TsToStreamRun.of(TsTestData.capture("ffmpeg51-h264-mp2.ts"), TsTestData.SRT_CHUNK);
        assertThat(r.problems).isEmpty();
        assertThat(r.unreleasedBytes()).isZero();
        Format a = r.desc.medias().get(1).format();
        assertThat(a.codec()).isEqualTo(Codec.MPEG1_AUDIO);
        assertThat(a.payloadType()).as("static MPA").isEqualTo(14);
        assertThat(a.rtpmap()).isEqualTo("MPA/90000");
        assertVideo(r, 133_200, 9, false);

        List<TsToStreamRun.Au> audio = r.aus(1);
        assertThat(audio).hasSize(77);
        assertThat(audio.getFirst().timestamp()).isCloseTo(132_218L, org.assertj.core.data.Offset.offset(3L));
        assertSteps(audio, 2351, 2352); // 1152 samples at 44.1 kHz in 90 kHz
        assertThat(audio).allSatisfy(au -> assertThat(au.units().getFirst()).hasSizeBetween(208, 209));
        // RFC 2250: 4-byte header (MBZ, offset 0), then the whole frame with its header
        assertThat(r.rtp.get(1)).hasSize(77).allSatisfy(p -> {
            assertThat(new byte[] {p[12], p[13], p[14], p[15]}).containsExactly(0, 0, 0, 0);
            assertThat(p[16] & 0xff).isEqualTo(0xff);
        });
    }

    /**
     * {@code gst-launch-1.0 videotestsrc num-buffers=50 ! video/x-raw,format=I420,width=320,height=240,framerate=25/1
     * ! x264enc bitrate=150 key-int-max=25 ! h264parse ! mpegtsmux name=mux ! filesink audiotestsrc num-buffers=86
     * ! audio/x-raw,rate=44100,channels=1 ! avenc_aac bitrate=64000 ! aacparse ! mux.}
     */
    @Test
    void gstreamerH264Aac() {
        TsToStreamRun r = TsToStreamRun.of(TsTestData.capture("gstreamer122-h264-aac.ts"), TsTestData.SRT_CHUNK);
        assertThat(r.problems).isEmpty();
        assertThat(r.unreleasedBytes()).isZero();
        assertThat(r.probeReady).isTrue();
        assertThat(r.desc.medias()).extracting(m -> m.format().codec()).containsExactly(Codec.H264, Codec.MPEG4_AUDIO);
        assertThat(r.desc.medias().get(1).format().fmtpParam("config")).isEqualTo("1208");
        assertVideo(r, 324_000_000L & 0xffffffffL, 9, false);
        List<TsToStreamRun.Au> audio = r.aus(1);
        assertThat(audio).hasSize(87);
        assertSteps(audio, 1024);
    }

    /**
     * {@code gst-launch-1.0 videotestsrc num-buffers=10 ! ... ! x264enc ! h264parse ! mpegtsmux name=mux ! filesink
     * multifilesrc location=klv%d.bin stop-index=9 caps="meta/x-klv,parsed=true,framerate=5/1" ! mux.}
     */
    @Test
    void klvIsSkippedWithAReason() {
        TsToStreamRun r = TsToStreamRun.of(TsTestData.capture("gstreamer122-h264-klv.ts"), TsTestData.SRT_CHUNK);
        assertThat(r.problems).isEmpty();
        assertThat(r.unreleasedBytes()).isZero();
        assertThat(r.desc.medias()).extracting(m -> m.type()).containsExactly(MediaType.VIDEO);
        assertThat(r.skipped).contains("KLV metadata on PID 0x42").contains("not carried");
        assertThat(r.aus(0)).hasSize(10);
    }
}
