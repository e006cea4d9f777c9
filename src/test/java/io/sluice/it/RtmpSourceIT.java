package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RTMP pull source ({@code source: rtmp://…}, issue #17), driven by third-party peers: ffmpeg publishes a
 * camera-like stream to nginx-rtmp, Sluice plays it from nginx and serves it to ffmpeg's RTSP client while
 * forwarding it to an srt-live-transmit target; nginx restarts and the source comes back.
 */
@Timeout(240)
class RtmpSourceIT {
    /** More than the clip, so the publisher loops it once. */
    static final int CAMERA_SECONDS = 15;

    @Test
    void cameraThroughNginxReachesAnRtspReaderAndAnSrtTargetWhole() throws Exception {
        CameraClip.file(); // encoded before any peer's clock starts
        int nginx = Ports.tcp();
        int slt = Ports.udp();
        Path out = Files.createTempDirectory(Path.of(System.getProperty("user.dir"), "target"), "rtmp-source-it");
        String yaml = """
                paths:
                  cam:
                    source: rtmp://127.0.0.1:%d/live/cam
                    sourceReconnectDelay: 500ms
                    forwardTargets:
                      - id: srt
                        url: srt://127.0.0.1:%d
                """.formatted(nginx, slt);
        try (Peer upstream = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(CAMERA_SECONDS + 40));
                Peer sink = Peer.start("sink-srt.sh", Map.of("IMPL", "slt", "OUTDIR", out.toString()),
                        Integer.toString(slt), Integer.toString(CAMERA_SECONDS + 30))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(upstream.output()).isTrue();
            assertThat(Ports.awaitUdpBound(slt, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
                // the source plays the (idle) nginx stream first, so it gets the publisher's first keyframe
                Thread.sleep(2000);
                try (Peer pub = CameraClip.publishRtmp("rtmp://127.0.0.1:" + nginx + "/live/cam", CAMERA_SECONDS)) {
                    assertThat(Wait.until(() -> sluice.server().paths().get("cam").hasPublisher(),
                            Duration.ofSeconds(15))).as("the source published the path").isTrue();
                    // ffmpeg's RTSP client reads for 6 s, from the cached keyframe on: at least 5 s of frames
                    assertThat(rtspVideoFrames(sluice.rtsp("cam"), 6)).as("RTSP reader's video frames")
                            .isGreaterThanOrEqualTo(MediaChecks.lossless(5 * CameraClip.FPS, CameraClip.FPS));
                    assertThat(pub.await(Duration.ofSeconds(CAMERA_SECONDS + 60))).as(pub.output()).isZero();
                    Map<String, String> r = MediaChecks.assertReceivedCamera(sink, pub);
                    assertThat(r.get("sessions")).as(sink.output()).isEqualTo("1");
                }
            }
            assertDecodingOrder(SrtSourceIT.videoPackets(out.resolve("session-1.ts")), "SRT target");
        }
    }

    @Test
    void nginxRestartsAndTheSourceBacksOffThenComesBack() throws Exception {
        int nginx = Ports.tcp();
        String yaml = """
                paths:
                  cam:
                    source: rtmp://127.0.0.1:%d/live/cam
                    sourceReconnectDelay: 500ms
                    sourceReconnectMaxDelay: 2s
                """.formatted(nginx);
        String upstreamUrl = "rtmp://127.0.0.1:" + nginx + "/live/cam";
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
            try (Peer first = Peer.start("sink-rtmp.sh", Integer.toString(nginx), "40")) {
                assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(first.output()).isTrue();
                try (Peer pub = Peer.start("publish-rtmp.sh", upstreamUrl, "40")) {
                    assertThat(Wait.until(() -> sluice.server().paths().get("cam").hasPublisher(),
                            Duration.ofSeconds(20))).as("published from the first nginx: " + pub.output()).isTrue();
                    first.close(); // nginx goes away under the source
                    assertThat(Wait.until(() -> !sluice.server().paths().get("cam").hasPublisher(),
                            Duration.ofSeconds(15))).as("the source's session ended with nginx").isTrue();
                }
            }
            // nothing listens now: the source backs off, the refused port named in its stats
            assertThat(Wait.until(() -> {
                SourceStats st = sluice.server().paths().get("cam").sourceStats();
                return st.state() == SourceState.BACKOFF && st.lastError().contains("127.0.0.1:" + nginx)
                        && st.nextRetry() != null;
            }, Duration.ofSeconds(15))).as("backing off: %s", sluice.server().paths().get("cam").sourceStats())
                    .isTrue();
            long reconnectsWhileDown = sluice.server().paths().get("cam").sourceStats().reconnects();
            try (Peer second = Peer.start("sink-rtmp.sh", Integer.toString(nginx), "40")) {
                assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(second.output()).isTrue();
                try (Peer pub = Peer.start("publish-rtmp.sh", upstreamUrl, "30")) {
                    assertThat(Wait.until(() -> sluice.server().paths().get("cam").hasPublisher(),
                            Duration.ofSeconds(20))).as("back from the second nginx: " + pub.output()).isTrue();
                    try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("cam"), "6")) {
                        reader.await(Duration.ofSeconds(60));
                        MediaChecks.assertRead(reader, 90, 130);
                    }
                    SourceStats st = sluice.server().paths().get("cam").sourceStats();
                    assertThat(st.state()).as(st.toString()).isEqualTo(SourceState.READY);
                    assertThat(st.type()).isEqualTo("rtmpSource");
                    assertThat(st.reconnects()).as(st.toString()).isGreaterThanOrEqualTo(reconnectsWhileDown);
                    assertThat(st.tracks()).as(st.toString()).hasSize(2);
                }
            }
        }
    }

    /**
     * The video frames ffmpeg's RTSP client (over TCP) gets from {@code url} in {@code seconds} of wall-clock time,
     * copied to the null muxer (its -c copy to a file cannot take B-frames without DTS): from its last
     * {@code frame=} figure.
     */
    static int rtspVideoFrames(String url, int seconds) throws Exception {
        try (Peer p = Peer.command("ffmpeg " + url, Map.of(), List.of("timeout", "-s", "INT", "-k", "5",
                Integer.toString(seconds), "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-stats",
                "-rtsp_transport", "tcp", "-i", url, "-map", "0:v", "-c", "copy", "-f", "null", "-"))) {
            p.await(Duration.ofSeconds(seconds + 30));
            int frames = -1;
            for (String line : String.join("\r", p.lines()).split("[\r\n]")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("frame=\\s*(\\d+)").matcher(line);
                if (m.find()) {
                    frames = Integer.parseInt(m.group(1));
                }
            }
            assertThat(frames).as(p.output()).isNotNegative();
            System.out.printf("RTSP reader: %d video frames in %d s%n", frames, seconds);
            return frames;
        }
    }

    /** PTS ≥ DTS on every video packet, DTS increasing, and the B-frames still reordered. */
    static void assertDecodingOrder(List<long[]> packets, String who) {
        assertThat(packets).as(who).isNotEmpty();
        int reordered = 0;
        for (int i = 0; i < packets.size(); i++) {
            long[] p = packets.get(i);
            assertThat(p[0]).as("%s: PTS >= DTS at packet %d", who, i).isGreaterThanOrEqualTo(p[1]);
            if (i > 0) {
                assertThat(p[1]).as("%s: DTS increases at packet %d", who, i).isGreaterThan(packets.get(i - 1)[1]);
                reordered += p[0] < packets.get(i - 1)[0] ? 1 : 0;
            }
        }
        assertThat(reordered).as(who + ": B-frames kept").isGreaterThan(packets.size() / 4);
    }
}
