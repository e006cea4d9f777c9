package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RTSP in → Sluice → RTSP out, driven by third-party peers: ffmpeg publishes (TCP and UDP), an ffmpeg
 * listen sink and a GstRtspServer RECORD sink receive the forwarded stream, ffmpeg and GStreamer read
 * the local path. A third target, the test's own {@link RtspRecordServer}, checks RTP sequence numbers.
 */
@Timeout(180)
class RtspForwardIT {
    static final int SECONDS = 10;
    static final int FPS = 30;
    /** A camera-like stream's length: more than the clip, so the publisher loops it once. */
    static final int CAMERA_SECONDS = 15;

    private static String targets(int ffmpegPort, int gstPort, String gstTransport) {
        return """
                paths:
                  live/test:
                    forwardTargets:
                      - id: ffmpeg
                        url: rtsp://127.0.0.1:%d/live/a
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                        rtspConfig: {transport: tcp}
                      - id: gst
                        url: rtsp://127.0.0.1:%d/live/b
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                        rtspConfig: {transport: %s}
                """.formatted(ffmpegPort, gstPort, gstTransport);
    }

    @Test
    void tcpPublisherToTwoTargetsAndTwoLocalReaders() throws Exception {
        forwardToTwoTargets("tcp", "udp");
    }

    @Test
    void udpPublisherToTwoTargetsAndTwoLocalReaders() throws Exception {
        forwardToTwoTargets("udp", "automatic");
    }

    private static String rtpTarget(RtspRecordServer rtp) {
        return """
                      - id: rtp
                        url: rtsp://127.0.0.1:%d/live/c
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                        rtspConfig: {transport: tcp}
                """.formatted(rtp.port());
    }

    private void forwardToTwoTargets(String publishTransport, String gstTransport) throws Exception {
        int a = Ports.tcp();
        int b = Ports.tcp();
        try (RtspRecordServer rtp = new RtspRecordServer();
                SluiceUnderTest sluice = SluiceUnderTest.start(targets(a, b, gstTransport) + rtpTarget(rtp));
                Peer sinkA = Peer.start("sink-rtsp.sh", Integer.toString(a), "live/a", Integer.toString(SECONDS + 8));
                Peer sinkB = Peer.start("sink-rtsp.sh", Map.of("IMPL", "gst"), Integer.toString(b), "live/b",
                        Integer.toString(SECONDS + 8))) {
            assertThat(sinkB.awaitLine("listening", Duration.ofSeconds(10))).as(sinkB.output()).isTrue();
            Thread.sleep(500);
            try (Peer pub = Peer.start("publish-rtsp.sh", Map.of("TRANSPORT", publishTransport),
                    sluice.rtsp("live/test"), Integer.toString(SECONDS))) {
                Thread.sleep(2000);
                try (Peer ffRead = Peer.start("read-rtsp.sh", Map.of("TRANSPORT", publishTransport),
                        sluice.rtsp("live/test"), "6");
                        Peer gstRead = Peer.resource("gst-read-rtsp.py", sluice.rtsp("live/test"), "6",
                                publishTransport)) {
                    ffRead.await(Duration.ofSeconds(60));
                    gstRead.await(Duration.ofSeconds(60));
                    Map<String, String> ff = ffRead.result("READ");
                    assertThat(ff.get("video")).isEqualTo("h264");
                    assertThat(ff.get("audio")).isEqualTo("aac");
                    assertThat(Integer.parseInt(ff.get("frames"))).as(ffRead.output()).isGreaterThan(90);
                    Map<String, String> gst = gstRead.result("READ");
                    assertThat(Integer.parseInt(gst.get("frames"))).as(gstRead.output()).isGreaterThan(90);
                    assertThat(Integer.parseInt(gst.get("frames.2"))).as("gst audio").isGreaterThan(50);
                }
                pub.await(Duration.ofSeconds(SECONDS + 30));
                assertThat(pub.result("PUBLISHED").get("rc")).isEqualTo("0");
            }
            List<DestStats> stats = sluice.server().paths().get("live/test").forwardStats();
            MediaChecks.assertReceived(sinkA, SECONDS);
            MediaChecks.assertReceived(sinkB, SECONDS);
            MediaChecks.assertNoRtpGaps(rtp, SECONDS * FPS);
            assertThat(stats).extracting(DestStats::id).containsExactly("ffmpeg", "gst", "rtp");
            assertThat(stats).allSatisfy(s -> {
                assertThat(s.packets()).isGreaterThan(SECONDS * FPS);
                assertThat(s.dropped()).isZero();
            });
        }
    }

    /**
     * A camera-like stream (CameraClip: H264 High with B-frames, 6 Mbit/s 720p, GOP 4 s, AAC) to a GstRtspServer
     * target (ffmpeg's listen sink cannot remux B-frames without DTS) and to the RTP-level sink: the targets are
     * up before the publisher, so every frame and every RTP packet must arrive.
     */
    @Test
    void cameraStreamReachesRtspTargetsWhole() throws Exception {
        CameraClip.file(); // encoded before any peer\'s clock starts
        int b = Ports.tcp();
        try (RtspRecordServer rtp = new RtspRecordServer();
                SluiceUnderTest sluice = SluiceUnderTest.start("""
                        paths:
                          live/test:
                            forwardTargets:
                              - id: gst
                                url: rtsp://127.0.0.1:%d/live/b
                                rtspConfig: {transport: tcp}
                        """.formatted(b) + rtpTarget(rtp));
                Peer sink = Peer.start("sink-rtsp.sh", Map.of("IMPL", "gst"), Integer.toString(b), "live/b",
                        Integer.toString(CAMERA_SECONDS + 10))) {
            assertThat(sink.awaitLine("listening", Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = CameraClip.publishRtsp(sluice.rtsp("live/test"), CAMERA_SECONDS)) {
                assertThat(pub.await(Duration.ofSeconds(CAMERA_SECONDS + 60))).as(pub.output()).isZero();
                List<DestStats> stats = sluice.server().paths().get("live/test").forwardStats();
                assertThat(stats).allSatisfy(s -> assertThat(s.dropped()).as(s.toString()).isZero());
                MediaChecks.assertReceivedCamera(sink, pub);
                MediaChecks.assertNoRtpGaps(rtp, CameraClip.sentFrames(pub));
            }
        }
    }

    @Test
    void targetAbsentAtStartIsReachedWithinTheBackoff() throws Exception {
        int a = Ports.tcp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: late
                        url: rtsp://127.0.0.1:%d/live/a
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 1s
                        rtspConfig: {transport: tcp}
                """.formatted(a);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(SECONDS + 4))) {
            Thread.sleep(3000);
            DestStats before = sluice.server().paths().get("live/test").forwardStats().getFirst();
            assertThat(before.state()).isIn(DestState.BACKOFF, DestState.CONNECTING);
            assertThat(before.lastError()).isNotEmpty();
            try (Peer sink = Peer.start("sink-rtsp.sh", Integer.toString(a), "live/a", Integer.toString(SECONDS))) {
                sink.await(Duration.ofSeconds(60));
                Map<String, String> r = sink.result("RECEIVED");
                // The sink listens for SECONDS and the forwarder must connect within ~1 backoff step (1 s)
                // and then wait for a keyframe (GOP 1 s): up to 2 s expected lost, then nothing.
                assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless((SECONDS - 2) * FPS, FPS));
            }
            DestStats after = sluice.server().paths().get("live/test").forwardStats().getFirst();
            assertThat(after.reconnects()).isPositive();
            pub.close();
        }
    }

    @Test
    void killedTargetReconnectsWhileTheOtherTargetAndTheReaderLoseNothing() throws Exception {
        int a = Ports.tcp();
        int b = Ports.tcp();
        int total = 16;
        try (SluiceUnderTest sluice = SluiceUnderTest.start(targets(a, b, "tcp"));
                Peer sinkB = Peer.start("sink-rtsp.sh", Map.of("IMPL", "gst"), Integer.toString(b), "live/b",
                        Integer.toString(total + 6))) {
            assertThat(sinkB.awaitLine("listening", Duration.ofSeconds(10))).isTrue();
            Peer sinkA1 = Peer.start("sink-rtsp.sh", Integer.toString(a), "live/a", "30");
            Thread.sleep(500);
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(total))) {
                Thread.sleep(1500);
                // the reader outlives the publisher, so what it gets depends on loss only, not on how fast a
                // loaded machine starts it
                Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(total + 6));
                Thread.sleep(3500);
                sinkA1.close(); // the target dies mid-stream
                Thread.sleep(1500);
                try (Peer sinkA2 = Peer.start("sink-rtsp.sh", Integer.toString(a), "live/a", "8")) {
                    sinkA2.await(Duration.ofSeconds(60));
                    Map<String, String> r2 = sinkA2.result("RECEIVED");
                    assertThat(Integer.parseInt(r2.get("frames"))).as("restarted target gets the stream again: "
                            + sinkA2.output()).isGreaterThan(3 * FPS);
                }
                pub.await(Duration.ofSeconds(total + 30));
                reader.await(Duration.ofSeconds(total + 30));
                Map<String, String> rr = reader.result("READ");
                reader.close();
                // the reader joined at most 1.5 s of media in (at the cached keyframe before that) and read
                // to the end: nothing may be lost but its edges
                assertThat(Integer.parseInt(rr.get("frames"))).as("local reader")
                        .isGreaterThanOrEqualTo(MediaChecks.lossless((total - 1.5) * FPS, FPS));
            }
            DestStats sa = sluice.server().paths().get("live/test").forwardStats().getFirst();
            assertThat(sa.reconnects()).isPositive();
            sinkB.await(Duration.ofSeconds(60));
            Map<String, String> rb = sinkB.result("RECEIVED");
            // the other target loses nothing while its sibling dies and reconnects
            assertThat(Integer.parseInt(rb.get("frames"))).as("the other target: " + sinkB.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(total * FPS, FPS));
            assertThat(rb.get("sessions")).isEqualTo("1");
        }
    }
}
