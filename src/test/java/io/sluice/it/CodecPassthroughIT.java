package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestStats;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Codecs beyond H264/AAC pass through untouched: ffmpeg publishes H265 + Opus, an ffmpeg sink receives
 * the forwarded stream and an ffmpeg reader the local one, both still H265 + Opus; VP8 and VP9
 * (ffmpeg 5.1 packetizes VP9 only with {@code -strict experimental}) reach a GStreamer target.
 */
@Timeout(120)
class CodecPassthroughIT {
    static final int FPS = 30;
    /** Opus frames of 20 ms. */
    static final int OPUS_FPS = 50;

    @Test
    void h265AndOpusReachTheTargetAndALocalReader() throws Exception {
        int a = Ports.tcp();
        int seconds = 10;
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: sink
                        url: rtsp://127.0.0.1:%d/live/a
                        reconnectDelay: 500ms
                        rtspConfig: {transport: tcp}
                """.formatted(a);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-rtsp.sh", Integer.toString(a), "live/a", Integer.toString(seconds + 6))) {
            Thread.sleep(500);
            try (Peer pub = FfmpegPeer.publish(sluice.rtsp("live/test"), seconds,
                    "-c:v libx265 -preset ultrafast -tune zerolatency -x265-params keyint=30:bframes=0:log-level=error "
                            + "-pix_fmt yuv420p -b:v 500k -c:a libopus -b:a 64k -ac 2 -application lowdelay",
                    false)) {
                Thread.sleep(2000);
                try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/test"), "6")) {
                    reader.await(Duration.ofSeconds(40));
                    Map<String, String> r = reader.result("READ");
                    assertThat(r.get("video")).as(reader.output()).isEqualTo("hevc");
                    assertThat(r.get("audio")).isEqualTo("opus");
                    assertThat(Integer.parseInt(r.get("frames"))).as(reader.output())
                            .isGreaterThanOrEqualTo(MediaChecks.lossless(4 * FPS, FPS));
                    assertThat(Integer.parseInt(r.get("frames.2"))).as("opus frames (20 ms)")
                            .isGreaterThanOrEqualTo(MediaChecks.lossless(4 * OPUS_FPS, OPUS_FPS));
                }
                assertThat(pub.await(Duration.ofSeconds(seconds + 30))).as(pub.output()).isZero();
            }
            DestStats stats = sluice.server().paths().get("live/test").forwardStats().getFirst();
            sink.await(Duration.ofSeconds(60));
            Map<String, String> r = sink.result("RECEIVED");
            assertThat(r.get("video")).as(sink.output()).isEqualTo("hevc");
            assertThat(r.get("audio")).isEqualTo("opus");
            assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(seconds * FPS, FPS));
            assertThat(Integer.parseInt(r.get("frames.2"))).as("opus frames (20 ms)")
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(seconds * OPUS_FPS, OPUS_FPS));
            assertThat(stats.dropped()).isZero();
        }
    }

    @ParameterizedTest
    @CsvSource({"vp8, libvpx", "vp9, libvpx-vp9 -strict experimental"})
    void vp8AndVp9ReachTheTarget(String codec, String encoder) throws Exception {
        int a = Ports.tcp();
        int seconds = 6;
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - url: rtsp://127.0.0.1:%d/live/a
                        rtspConfig: {transport: tcp}
                """.formatted(a);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                // GStreamer sink: ffmpeg 5.1 cannot depacketize its own (draft) VP9 RTP, even without Sluice.
                Peer sink = Peer.start("sink-rtsp.sh", Map.of("IMPL", "gst"), Integer.toString(a), "live/a",
                        Integer.toString(seconds + 5))) {
            assertThat(sink.awaitLine("listening", Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = FfmpegPeer.publish(sluice.rtsp("live/test"), seconds, "-c:v " + encoder
                    + " -deadline realtime -cpu-used 8 -g 30 -b:v 500k -pix_fmt yuv420p -c:a libopus -b:a 64k", false)) {
                assertThat(pub.await(Duration.ofSeconds(seconds + 30))).as(pub.output()).isZero();
            }
            sink.await(Duration.ofSeconds(60));
            Map<String, String> r = sink.result("RECEIVED");
            assertThat(r.get("video")).as(sink.output()).isEqualTo(codec);
            assertThat(r.get("audio")).isEqualTo("opus");
            assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(seconds * FPS, FPS));
        }
    }
}
