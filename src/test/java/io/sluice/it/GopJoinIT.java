package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.control.Control;
import io.sluice.control.PathInfo;
import io.sluice.forward.DestStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forward targets and a local reader that join a camera-like stream 3-4 s after a keyframe get every
 * frame from that keyframe on: the field case of issue "Field fidelity", where a 6 Mbit/s stream with
 * a 5 s GOP overflowed the 512-packet queue of every target that came up mid-GOP ("reader too slow")
 * and lost ~20 % of the frames until the next keyframe.
 *
 * <p>ffmpeg publishes a cached camera-like clip (H264 High, B-frames, 6 Mbit/s, 720p, GOP 5 s, AAC)
 * over RTSP with {@code -re -c copy}. 8.5 s in (3.5 s after the keyframe at 5 s), targets are added
 * through the Control API: RTMP to nginx-rtmp, SRT to a GStreamer srtsrc listener, RTSP to a
 * GstRtspServer in RECORD mode; an ffmpeg RTMP reader starts at the same moment. Each recording is
 * counted with ffprobe -count_frames and compared with the frames the clip has from that keyframe on.
 */
@Timeout(300)
class GopJoinIT {
    static final int CLIP_SECONDS = 20;
    static final double JOIN_AT_SECONDS = 8.5;
    static final double MIN_SHARE = 0.99;

    @Test
    void targetsAndAReaderJoiningMidGopGetEveryFrameFromTheCachedKeyframe() throws Exception {
        Path clip = CameraClip.get(CLIP_SECONDS);
        int clipFrames = CameraClip.videoFrames(clip);
        int nginx = Ports.tcp();
        int srt = Ports.udp();
        int rtsp = Ports.tcp();
        int sinkSeconds = CLIP_SECONDS + 14;
        String yaml = """
                paths:
                  live/cam:
                    forwardTargets: []
                """;
        try (LogCapture logs = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sinkRtmp = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(sinkSeconds));
                Peer sinkSrt = Peer.start("sink-srt.sh", Integer.toString(srt), Integer.toString(sinkSeconds));
                Peer sinkRtsp = Peer.start("sink-rtsp.sh", Map.of("IMPL", "gst"), Integer.toString(rtsp), "live/out",
                        Integer.toString(sinkSeconds))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sinkRtmp.output()).isTrue();
            assertThat(Ports.awaitUdpBound(srt, Duration.ofSeconds(10))).as(sinkSrt.output()).isTrue();
            assertThat(Ports.awaitListening(rtsp, Duration.ofSeconds(10))).as(sinkRtsp.output()).isTrue();
            Control control = sluice.server().control();
            Map<String, Peer> sinks = Map.of("rtmp->nginx-rtmp", sinkRtmp, "srt->gst-srtsrc", sinkSrt,
                    "rtsp->GstRtspServer", sinkRtsp);
            PathInfo atJoin;
            List<DestStats> after;
            long readyNanos;
            try (Peer pub = CameraClip.publishRtsp(clip, sluice.rtsp("live/cam"), CLIP_SECONDS + 20)) {
                assertThat(Wait.until(() -> control.path("live/cam").map(PathInfo::ready).orElse(false),
                        Duration.ofSeconds(15))).as(pub.output()).isTrue();
                readyNanos = System.nanoTime();
                Thread.sleep((long) (JOIN_AT_SECONDS * 1000));
                atJoin = control.path("live/cam").orElseThrow();
                control.addTarget("live/cam", Map.of("id", "rtmp", "url", "rtmp://127.0.0.1:" + nginx + "/live/out"));
                control.addTarget("live/cam", Map.of("id", "srt", "url",
                        "srt://127.0.0.1:" + srt + "?streamid=publish:live/out"));
                control.addTarget("live/cam", Map.of("id", "rtsp", "url", "rtsp://127.0.0.1:" + rtsp + "/live/out"));
                try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("live/cam"),
                        Integer.toString(CLIP_SECONDS))) {
                    pub.await(Duration.ofSeconds(CLIP_SECONDS + 30));
                    after = sluice.server().paths().get("live/cam").forwardStats();
                    reader.await(Duration.ofSeconds(CLIP_SECONDS + 30));
                    int expected = expectedFrames(atJoin, readyNanos, clipFrames);
                    assertFrames("local RTMP reader", reader, "READ", expected);
                }
            }
            int expected = expectedFrames(atJoin, readyNanos, clipFrames);
            for (var e : sinks.entrySet()) {
                e.getValue().await(Duration.ofSeconds(sinkSeconds + 60));
                assertFrames(e.getKey(), e.getValue(), "RECEIVED", expected);
            }
            assertThat(after).extracting(DestStats::id).containsExactlyInAnyOrder("rtmp", "srt", "rtsp");
            assertThat(after).allSatisfy(s -> {
                assertThat(s.dropped()).as(s.toString()).isZero();
                assertThat(s.reconnects()).as(s.toString()).isZero();
            });
            assertThat(logs.messages(Level.WARN, "reader too slow")).isEmpty();
            assertThat(atJoin.gopCache().overflows()).isZero();
        }
    }

    /**
     * Frames of the clip from the keyframe cached when the targets joined: the cache's span says how
     * far past a keyframe the stream was, the time since the stream came up says which keyframe.
     */
    private static int expectedFrames(PathInfo atJoin, long readyNanos, int clipFrames) {
        long spanMs = atJoin.gopCache().durationMillis();
        assertThat(spanMs).as("joined 2-4.9 s after a keyframe: %s", atJoin.gopCache()).isBetween(2000L, 4900L);
        double keyframeSeconds = Math.round((JOIN_AT_SECONDS - spanMs / 1000.0) / CameraClip.GOP_SECONDS)
                * (double) CameraClip.GOP_SECONDS;
        return clipFrames - (int) Math.round(keyframeSeconds * CameraClip.FPS);
    }

    private static void assertFrames(String who, Peer peer, String line, int expected) {
        Map<String, String> r = peer.result(line);
        int frames = Integer.parseInt(r.get("frames"));
        assertThat(r.get("video")).as(peer.output()).isEqualTo("h264");
        assertThat(frames).as("%s: video frames from the cached keyframe on (of %d)\n%s", who, expected,
                peer.output()).isGreaterThanOrEqualTo((int) Math.ceil(expected * MIN_SHARE));
        assertThat(frames).as("%s: no frame twice\n%s", who, peer.output()).isLessThanOrEqualTo(expected);
        System.out.printf("GOPJOIN %s frames=%d expected=%d%n", who.replace(' ', '_'), frames, expected);
    }
}
