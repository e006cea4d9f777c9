package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import io.sluice.path.Path;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice pulls a camera: a GstRtspServer that serves what a camera does (H264 High with B-frames, GOP 4 s,
 * AAC; src/test/resources/peers/gst-camera-rtsp.py) is the path's {@code source:}, over TCP, UDP and
 * automatic, and third-party peers take the stream from Sluice at once: GStreamer's RTSP client, ffmpeg over
 * RTMP, and an nginx-rtmp forward target. The camera counts the video frames it sent, so every receiver is
 * held to 99 % of them, with decoding times that only increase. Then the failures a camera brings: UDP
 * refused (461), the camera dying and coming back, wrong credentials.
 */
@Timeout(300)
class RtspSourceIT {
    static final int FPS = 30;
    static final int SECONDS = 10;
    /** The test camera's GOP: 4 s, no scene-cut keyframes. */
    static final int GOP = 4 * FPS;

    private static Peer camera(int port, int lifetime, int frames, String protocols, String credentials)
            throws Exception {
        Peer p = Peer.resource("gst-camera-rtsp.py", Integer.toString(port), "cam", Integer.toString(lifetime),
                Integer.toString(frames), protocols, credentials);
        assertThat(p.awaitLine("CAMERA|serving", Duration.ofSeconds(20))).as(p.output()).isTrue();
        return p;
    }

    /**
     * A local reader joins a pulled stream at the cached keyframe, as one of a published stream does: it must
     * get every frame from a GOP boundary on (it joined within the first two GOPs, on a loaded machine), so
     * what it misses of what the camera sent is a whole number of GOPs, give or take 1 %.
     */
    private static void assertJoinedWhole(int read, int sent, String who) {
        assertThat(read).as(who).isGreaterThanOrEqualTo(MediaChecks.lossless(sent - 2 * GOP, FPS));
        int missed = sent - read;
        int offGop = Math.min(Math.floorMod(missed, GOP), GOP - Math.floorMod(missed, GOP));
        assertThat(offGop).as("%s: read %d of %d sent, not whole GOPs of %d", who, read, sent, GOP)
                .isLessThanOrEqualTo((int) Math.ceil(sent * (1 - MediaChecks.LOSSLESS_SHARE)));
    }

    private static SourceStats stats(SluiceUnderTest sluice, String path) {
        Path p = sluice.server().paths().get(path);
        return p == null ? null : p.sourceStats();
    }

    private static boolean ready(SluiceUnderTest sluice, String path) {
        SourceStats s = stats(sluice, path);
        return s != null && s.state() == SourceState.READY;
    }

    @Test
    void cameraOverTcpReachesAnRtspReaderAnRtmpReaderAndAnRtmpTargetWhole() throws Exception {
        wholeStream("tcp");
    }

    @Test
    void cameraOverUdpReachesAnRtspReaderAnRtmpReaderAndAnRtmpTargetWhole() throws Exception {
        wholeStream("udp");
    }

    private void wholeStream(String transport) throws Exception {
        int cam = Ports.tcp();
        int nginx = Ports.tcp();
        int frames = SECONDS * FPS;
        java.nio.file.Path out = Files.createTempDirectory(java.nio.file.Path.of(System.getProperty("user.dir"),
                "target"), "source-it");
        // Sluice first, pulling a camera that is not there yet: its start-up (seconds on a loaded machine) must
        // not eat the camera's frames; the source connects within a backoff step once the camera is up.
        try (Peer sink = Peer.start("sink-rtmp.sh", Map.of("OUTDIR", out.toString()), Integer.toString(nginx),
                Integer.toString(SECONDS + 40));
                SluiceUnderTest sluice = SluiceUnderTest.start("""
                        readTimeout: 3s
                        paths:
                          cam:
                            source: rtsp://127.0.0.1:%d/cam
                            rtspTransport: %s
                            sourceReconnectDelay: 200ms
                            sourceReconnectMaxDelay: 500ms
                            forwardTargets:
                              - id: nginx
                                url: rtmp://127.0.0.1:%d/live/cam
                        """.formatted(cam, transport, nginx))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            List<long[]> rtmpRead;
            Peer gst;
            Peer camera = camera(cam, SECONDS + 60, frames, "all", "");
            try {
                assertThat(Wait.until(() -> ready(sluice, "cam"), Duration.ofSeconds(20)))
                        .as("source ready: " + stats(sluice, "cam")).isTrue();
                // both readers join within the first GOP (4 s), so they start at the camera's first keyframe
                gst = Peer.resource("gst-read-rtsp.py", sluice.rtsp("cam"), Integer.toString(SECONDS + 6), transport);
                rtmpRead = RtspBframesDtsIT.packets(sluice.rtmp("cam"), "%+" + (SECONDS + 3));
                assertThat(camera.awaitLine("CAMERA|eos", Duration.ofSeconds(40))).as(camera.output()).isTrue();
                gst.await(Duration.ofSeconds(60));
                SourceStats s = stats(sluice, "cam");
                assertThat(s.tracks()).as(s.toString()).hasSize(2);
            } finally {
                camera.close();
            }
            int sent = Integer.parseInt(camera.result("CAMERA|eos").get("video_frames"));
            // x264 may keep its last few lookahead frames at EOS: what the camera counted is what it served
            assertThat(sent).as(camera.output()).isBetween(frames * 9 / 10, frames);
            int lossless = MediaChecks.lossless(sent, FPS);

            Map<String, String> g = gst.result("READ");
            System.out.printf("RTSP-SOURCE %s: camera sent %d, gst RTSP reader %s, RTMP reader %d%n", transport, sent,
                    g, rtmpRead.size());
            assertJoinedWhole(Integer.parseInt(g.get("frames")), sent, "GStreamer RTSP reader: " + gst.output());
            assertThat(Integer.parseInt(g.get("frames.2"))).as("GStreamer RTSP reader, audio").isPositive();
            assertJoinedWhole(rtmpRead.size(), sent, "local RTMP reader");
            RtspBframesDtsIT.assertMonotonic(rtmpRead, MediaChecks.lossless(sent - 2 * GOP, FPS), "local RTMP reader");

            MediaChecks.assertReceived(sink, sent, sent / (double) FPS * MediaChecks.AAC_FPS);
            java.nio.file.Path flv;
            try (Stream<java.nio.file.Path> files = Files.walk(out)) {
                flv = files.filter(p -> p.toString().endsWith(".flv")).findFirst()
                        .orElseThrow(() -> new AssertionError("no FLV recorded: " + sink.output()));
            }
            RtspBframesDtsIT.assertMonotonic(RtspBframesDtsIT.packets(flv.toString(), null), lossless,
                    "RTMP target (nginx-rtmp record)");
        }
    }

    @Test
    void automaticFallsBackToTcpWhenTheCameraRefusesUdp() throws Exception {
        int cam = Ports.tcp();
        try (Peer camera = camera(cam, 60, 0, "tcp", "");
                LogCapture log = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start("""
                        paths:
                          cam:
                            source: rtsp://127.0.0.1:%d/cam
                        """.formatted(cam))) {
            assertThat(Wait.until(() -> ready(sluice, "cam"), Duration.ofSeconds(20)))
                    .as("source ready: " + stats(sluice, "cam")).isTrue();
            assertThat(log.messages(Level.INFO, "switching to TCP")).as("fallback logged")
                    .singleElement().asString().contains("461");
            try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("cam"), "6")) {
                reader.await(Duration.ofSeconds(40));
                MediaChecks.assertRead(reader, 4 * FPS, 100);
            }
            assertThat(stats(sluice, "cam").reconnects()).as("the fallback is within one attempt").isZero();
        }
    }

    @Test
    void cameraDiesAndComesBackWhileTheReaderAndTheTargetCarryOn() throws Exception {
        int cam = Ports.tcp();
        int nginx = Ports.tcp();
        int window = 20;
        int readerFrames;
        try (Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(window + 45));
                SluiceUnderTest sluice = SluiceUnderTest.start("""
                        readTimeout: 3s
                        paths:
                          cam:
                            source: rtsp://127.0.0.1:%d/cam
                            rtspTransport: tcp
                            sourceReconnectDelay: 300ms
                            sourceReconnectMaxDelay: 1s
                            forwardTargets:
                              - id: nginx
                                url: rtmp://127.0.0.1:%d/live/cam
                        """.formatted(cam, nginx))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            Peer first = camera(cam, 60, 0, "all", "");
            assertThat(Wait.until(() -> ready(sluice, "cam"), Duration.ofSeconds(20)))
                    .as("source ready: " + stats(sluice, "cam")).isTrue();
            try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("cam"), Integer.toString(window))) {
                Thread.sleep(5000);
                first.close(); // the camera dies
                long died = System.nanoTime();
                assertThat(Wait.until(() -> stats(sluice, "cam").state() != SourceState.READY,
                        Duration.ofSeconds(10))).as("the source noticed: " + stats(sluice, "cam")).isTrue();
                Thread.sleep(1000);
                try (Peer second = camera(cam, 60, 0, "all", "")) {
                    assertThat(Wait.until(() -> ready(sluice, "cam") && stats(sluice, "cam").reconnects() > 0,
                            Duration.ofSeconds(15))).as("back: " + stats(sluice, "cam")).isTrue();
                    double outage = (System.nanoTime() - died) / 1e9;
                    reader.await(Duration.ofSeconds(window + 30));
                    Map<String, String> r = reader.result("READ");
                    System.out.printf("RTSP-SOURCE camera restart: outage %.1f s, reader %s%n", outage, r);
                    assertThat(r.get("rc")).as("the reader read to its deadline: " + reader.output()).isEqualTo("124");
                    // the reader joined at most a GOP (4 s) in, and the camera was away for the outage (plus its
                    // first frames' encoder start)
                    readerFrames = Integer.parseInt(r.get("frames"));
                    assertThat(readerFrames).as(reader.output())
                            .isGreaterThanOrEqualTo((int) ((window - outage - 4 - 2) * FPS));
                }
            }
            // the target forwarded from the camera's first frame to Sluice's close, the reader's window within that
            Map<String, String> received = MediaChecks.assertReceived(sink, readerFrames,
                    readerFrames / (double) FPS * MediaChecks.AAC_FPS);
            assertThat(received.get("sessions")).as("the target carried on in one session: " + sink.output())
                    .isEqualTo("1");
        }
    }

    @Test
    void rtspsCameraPinnedByFingerprintIsReadAndAWrongPinIsRefused(@TempDir java.nio.file.Path dir) throws Exception {
        TestCert tc = TestCert.selfSigned(dir, "camera");
        int cam = Ports.tcp();
        int tlsPort = Ports.tcp();
        try (Peer camera = camera(cam, 60, 0, "tcp", "");
                Peer tls = Peer.command("socat", Map.of(), List.of("timeout", "-k", "2", "60", "socat",
                        "OPENSSL-LISTEN:" + tlsPort + ",bind=127.0.0.1,reuseaddr,fork,cert=" + tc.cert() + ",key="
                                + tc.key() + ",verify=0", "TCP:127.0.0.1:" + cam));
                SluiceUnderTest sluice = SluiceUnderTest.start("""
                        paths:
                          pinned:
                            source: rtsps://127.0.0.1:%d/cam
                            sourceFingerprint: "%s"
                          wrongpin:
                            source: rtsps://127.0.0.1:%d/cam
                            sourceFingerprint: "%s"
                        """.formatted(tlsPort, tc.fingerprint(), tlsPort, "00".repeat(32)))) {
            assertThat(Ports.awaitListening(tlsPort, Duration.ofSeconds(10))).as(tls.output()).isTrue();
            assertThat(Wait.until(() -> ready(sluice, "pinned"), Duration.ofSeconds(20)))
                    .as("pinned: " + stats(sluice, "pinned")).isTrue();
            assertThat(stats(sluice, "pinned").type()).isEqualTo("rtspsSource");
            try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("pinned"), "5")) {
                reader.await(Duration.ofSeconds(40));
                MediaChecks.assertRead(reader, 3 * FPS, 80);
            }
            SourceStats wrong = stats(sluice, "wrongpin");
            assertThat(wrong.state()).as(wrong.toString()).isNotEqualTo(SourceState.READY);
            assertThat(wrong.packets()).isZero();
            assertThat(wrong.lastError()).containsIgnoringCase("fingerprint");
        }
    }

    @Test
    void wrongCredentialsShow401ForTheUserWhileTheServerServesTheRightOnes() throws Exception {
        int cam = Ports.tcp();
        try (Peer camera = camera(cam, 60, 0, "all", "admin:right");
                LogCapture log = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start("""
                        paths:
                          bad:
                            source: rtsp://admin:wrong@127.0.0.1:%d/cam
                          good:
                            source: rtsp://admin:right@127.0.0.1:%d/cam
                        """.formatted(cam, cam))) {
            assertThat(Wait.until(() -> {
                SourceStats s = stats(sluice, "bad");
                return s != null && s.lastError().contains("401");
            }, Duration.ofSeconds(20))).as("bad: " + stats(sluice, "bad")).isTrue();
            SourceStats bad = stats(sluice, "bad");
            assertThat(bad.lastError()).contains("user 'admin'").doesNotContain("wrong");
            assertThat(bad.state()).isNotEqualTo(SourceState.READY);
            assertThat(log.messages(Level.WARN, "401").toString() + log.messages(Level.ERROR, "401"))
                    .contains("user 'admin'").doesNotContain("wrong");
            assertThat(Wait.until(() -> ready(sluice, "good"), Duration.ofSeconds(20)))
                    .as("good: " + stats(sluice, "good")).isTrue();
            try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("good"), "5")) {
                reader.await(Duration.ofSeconds(40));
                MediaChecks.assertRead(reader, 3 * FPS, 80);
            }
        }
    }
}
