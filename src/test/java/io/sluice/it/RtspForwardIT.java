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
 * the local path.
 */
@Timeout(180)
class RtspForwardIT {
    static final int SECONDS = 10;
    static final int FPS = 30;
    /** Frames a receiver must get of those published: margins for a noisy 2-core CI machine. */
    static final double MIN_SHARE = 0.8;

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

    private void forwardToTwoTargets(String publishTransport, String gstTransport) throws Exception {
        int a = Ports.tcp();
        int b = Ports.tcp();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(targets(a, b, gstTransport));
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
            sinkA.await(Duration.ofSeconds(60));
            sinkB.await(Duration.ofSeconds(60));
            Map<String, String> ra = sinkA.result("RECEIVED");
            assertThat(ra.get("video")).isEqualTo("h264");
            assertThat(ra.get("audio")).isEqualTo("aac");
            assertThat(Integer.parseInt(ra.get("frames"))).as(sinkA.output())
                    .isGreaterThanOrEqualTo((int) (SECONDS * FPS * MIN_SHARE));
            Map<String, String> rb = sinkB.result("RECEIVED");
            assertThat(rb.get("video")).isEqualTo("h264");
            assertThat(rb.get("audio")).isEqualTo("aac");
            assertThat(Integer.parseInt(rb.get("frames"))).as(sinkB.output())
                    .isGreaterThanOrEqualTo((int) (SECONDS * FPS * MIN_SHARE));
            assertThat(stats).extracting(DestStats::id).containsExactly("ffmpeg", "gst");
            assertThat(stats).allSatisfy(s -> {
                assertThat(s.packets()).isGreaterThan(SECONDS * FPS);
                assertThat(s.dropped()).isZero();
            });
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
                // The sink listens for SECONDS; the forwarder must connect within ~1 backoff step (1 s).
                assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                        .isGreaterThanOrEqualTo((int) ((SECONDS - 2) * FPS * MIN_SHARE));
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
                Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(total - 3));
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
                assertThat(Integer.parseInt(rr.get("frames"))).as("local reader")
                        .isGreaterThanOrEqualTo((int) ((total - 5) * FPS * MIN_SHARE));
            }
            DestStats sa = sluice.server().paths().get("live/test").forwardStats().getFirst();
            assertThat(sa.reconnects()).isPositive();
            sinkB.await(Duration.ofSeconds(60));
            Map<String, String> rb = sinkB.result("RECEIVED");
            assertThat(Integer.parseInt(rb.get("frames"))).as("the other target: " + sinkB.output())
                    .isGreaterThanOrEqualTo((int) (total * FPS * MIN_SHARE));
            assertThat(rb.get("sessions")).isEqualTo("1");
        }
    }
}
