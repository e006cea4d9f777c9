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
 * over RTSP with {@code -re -c copy}. An ffmpeg RTMP reader starts and targets are added through the
 * Control API (RTMP to nginx-rtmp, SRT to a GStreamer srtsrc listener, RTSP to a GstRtspServer in
 * RECORD mode) so that they attach 1-4 s after the keyframe at 5 s (peers take a second or two to
 * connect on a busy machine). Right after, the path's GOP cache span says when the cached keyframe
 * arrived; every consumer must have attached after it. Each recording is counted with ffprobe
 * -count_frames (GStreamer's parsed frames for the RTSP sink) and compared with the frames the clip
 * has from that keyframe on.
 */
@Timeout(300)
class GopJoinIT {
    static final int CLIP_SECONDS = 20;
    /** When the reader starts and the targets are added, after the stream came up. */
    static final double ADD_AT_SECONDS = 5.5;
    static final double MIN_SHARE = 0.99;

    @Test
    void targetsAndAReaderJoiningMidGopGetEveryFrameFromTheCachedKeyframe() throws Exception {
        Path clip = CameraClip.joinClip(CLIP_SECONDS);
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
            List<DestStats> after;
            Map<String, Duration> attachedAt = new java.util.TreeMap<>();
            PathInfo atJoin;
            try (Peer pub = CameraClip.publishRtsp(clip, sluice.rtsp("live/cam"), CLIP_SECONDS + 20)) {
                assertThat(Wait.until(() -> control.path("live/cam").map(PathInfo::ready).orElse(false),
                        Duration.ofSeconds(15))).as(pub.output()).isTrue();
                java.time.Instant ready = control.path("live/cam").orElseThrow().readySince();
                Thread.sleep(Math.max(0, (long) (ADD_AT_SECONDS * 1000)
                        - Duration.between(ready, java.time.Instant.now()).toMillis()));
                try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("live/cam"),
                        Integer.toString(CLIP_SECONDS))) {
                    control.addTarget("live/cam", Map.of("id", "rtmp", "url", "rtmp://127.0.0.1:" + nginx + "/live/out"));
                    control.addTarget("live/cam", Map.of("id", "srt", "url",
                            "srt://127.0.0.1:" + srt + "?streamid=publish:live/out"));
                    control.addTarget("live/cam", Map.of("id", "rtsp", "url",
                            "rtsp://127.0.0.1:" + rtsp + "/live/out", "rtspConfig",
                            Map.of("transport", System.getProperty("gopjoin.rtspTransport", "tcp"))));
                    assertThat(Wait.until(() -> forwarding(control) == 3
                            && control.sessions().stream().anyMatch(GopJoinIT::isReader), Duration.ofSeconds(8)))
                            .as("targets forwarding and reader reading: %s", control.targets(java.util.Optional.empty()))
                            .isTrue();
                    atJoin = control.path("live/cam").orElseThrow();
                    attachedAt.put("now", Duration.between(ready, java.time.Instant.now()));
                    for (var t : control.targets(java.util.Optional.of("live/cam"))) {
                        attachedAt.put(t.stats().id(), Duration.between(ready, t.stats().since()));
                    }
                    control.sessions().stream().filter(GopJoinIT::isReader).forEach(
                            r -> attachedAt.put("reader", Duration.between(ready, r.created())));
                    pub.await(Duration.ofSeconds(CLIP_SECONDS + 30));
                    after = sluice.server().paths().get("live/cam").forwardStats();
                    reader.await(Duration.ofSeconds(CLIP_SECONDS + 30));
                    int expected = expectedFrames(attachedAt, atJoin, clipFrames);
                    assertFrames("local RTMP reader", reader, "READ", expected);
                }
            }
            int expected = expectedFrames(attachedAt, atJoin, clipFrames);
            for (var e : sinks.entrySet()) {
                e.getValue().await(Duration.ofSeconds(sinkSeconds + 60));
                assertFrames(e.getKey(), e.getValue(), "RECEIVED", expected);
            }
            // On a loaded machine the peers may take seconds to connect and land early in the next GOP, so this
        // only checks that the cached GOP they started from was past the old 512-packet queue limit.
        assertThat(atJoin.gopCache().packets()).as("the GOP they joined is past the old 512-packet limit: %s",
                    atJoin.gopCache()).isGreaterThan(512);
            assertThat(after).extracting(DestStats::id).containsExactlyInAnyOrder("rtmp", "srt", "rtsp");
            assertThat(after).allSatisfy(s -> {
                assertThat(s.dropped()).as(s.toString()).isZero();
                assertThat(s.reconnects()).as(s.toString()).isZero();
            });
            assertThat(logs.messages(Level.WARN, "reader too slow")).isEmpty();
            assertThat(atJoin.gopCache().overflows()).isZero();
        }
    }

    private static long forwarding(Control control) {
        return control.targets(java.util.Optional.of("live/cam")).stream()
                .filter(t -> t.stats().state() == io.sluice.forward.DestState.FORWARDING).count();
    }

    private static boolean isReader(io.sluice.control.SessionInfo s) {
        return s.protocol().equals("rtmp") && s.role().toLowerCase(java.util.Locale.ROOT).startsWith("read");
    }

    /**
     * Frames of the clip from the keyframe every consumer joined at. The cache's span at {@code now}
     * says when that keyframe arrived; ffmpeg -re starts its clock before the RTSP handshake, so the
     * media runs up to ~2 s ahead of the wall clock since the stream came up, never behind: the
     * keyframe's media time is the multiple of the GOP just above its arrival time.
     */
    private static int expectedFrames(Map<String, Duration> attachedAt, PathInfo atJoin, int clipFrames) {
        int gop = CameraClip.JOIN_GOP_SECONDS;
        Duration now = attachedAt.get("now");
        Duration keyframeArrived = now.minusMillis(atJoin.gopCache().durationMillis());
        long keyframeSeconds = Math.round((keyframeArrived.toMillis() / 1000.0 + gop / 4.0) / gop) * gop;
        System.out.println("GOPJOIN attached " + attachedAt + ", cached keyframe (media " + keyframeSeconds
                + " s) arrived " + keyframeArrived);
        assertThat(keyframeSeconds).as("joined after the first GOP: %s", atJoin.gopCache()).isPositive();
        attachedAt.forEach((who, at) -> assertThat(at)
                .as("%s attached %s after the stream came up, before the cached keyframe (%s)", who, at,
                        keyframeArrived)
                .isGreaterThan(keyframeArrived.plusMillis(100)));
        return clipFrames - (int) keyframeSeconds * CameraClip.FPS;
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
