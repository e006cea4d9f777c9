package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Chromium WHIP publish forwarded to every RTP target at once (issue #18): an ffmpeg RTSP RECORD sink, a
 * GStreamer RTSP RECORD sink (GstRtspServer), the test's RTP-level RTSP recorder ({@link RtspRecordServer}) and
 * a WHIP target at GStreamer webrtcbin (bench/whip-count-sink.py). Each target must see no RTP sequence gap on
 * this clean link and at least 99 % of the frames Chromium encoded, in the codec Chromium sent: sequence
 * numbers and marker bits counted by the recorder and by the WHIP sink (on webrtcbin's output), frames as
 * decoded by the ffmpeg and GStreamer sinks. (tshark's RTSP dissector, tried on the wire in front of the
 * third-party sinks, loses the interleaved framing of the H264 stream after a few seconds, so it cannot
 * count there.)
 *
 * <p>Solo: the browser's ramp-up is CPU-sensitive.
 */
@Tag("solo")
@org.junit.jupiter.api.Timeout(300)
class WebrtcChromiumForwardIT {
    static final int SECONDS = 20;
    static final double SHARE = 0.99;

    @ParameterizedTest
    @ValueSource(strings = {"h264", "vp8"})
    void chromiumPublishReachesEveryRtpTargetWhole(String codec, @TempDir Path dir) throws Exception {
        int ffmpegPort = Ports.tcp();
        int gstPort = Ports.tcp();
        int whipPort = Ports.tcp();
        try (RtspRecordServer rtp = new RtspRecordServer()) {
            run(codec, dir, ffmpegPort, gstPort, whipPort, rtp);
        }
    }

    private static void run(String codec, Path dir, int ffmpegPort, int gstPort, int whipPort, RtspRecordServer rtp)
            throws Exception {
        Path status = dir.resolve("whip-sink.status");
        int sinkSeconds = SECONDS + 30;
        String yaml = """
                paths:
                  live/cc:
                    forwardTargets:
                      - id: ffmpeg
                        url: rtsp://127.0.0.1:%d/live/a
                        rtspConfig: {transport: tcp}
                      - id: gst
                        url: rtsp://127.0.0.1:%d/live/b
                        rtspConfig: {transport: tcp}
                      - id: whip
                        url: whip://127.0.0.1:%d/live/c/whip
                      - id: rtp
                        url: rtsp://127.0.0.1:%d/live/d
                        rtspConfig: {transport: tcp}
                """.formatted(ffmpegPort, gstPort, whipPort, rtp.port());
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer ffmpeg = Peer.start("sink-rtsp.sh", Integer.toString(ffmpegPort), "live/a",
                        Integer.toString(sinkSeconds));
                Peer gst = Peer.start("sink-rtsp.sh", Map.of("IMPL", "gst"), Integer.toString(gstPort), "live/b",
                        Integer.toString(sinkSeconds));
                Peer whip = Peer.command("whip-count-sink", Map.of("STATUS_S", "1"), List.of("timeout", "-k", "5",
                        Integer.toString(sinkSeconds + 10), "/usr/bin/python3",
                        Path.of(System.getProperty("user.dir"), "bench", "whip-count-sink.py").toString(),
                        Integer.toString(whipPort), status.toString(), Integer.toString(sinkSeconds)))) {
            assertThat(Ports.awaitListening(ffmpegPort, Duration.ofSeconds(15))).as(ffmpeg.output()).isTrue();
            assertThat(gst.awaitLine("listening", Duration.ofSeconds(15))).as(gst.output()).isTrue();
            assertThat(Ports.awaitListening(whipPort, Duration.ofSeconds(15))).as(whip.output()).isTrue();
            // The sink's first webrtcbin pays GStreamer's plugin loading (2-5 s here under load): a throwaway
            // session (it never does ICE) takes that before the run, so the target joins as a warm remote
            // server would, before Chromium's first resolution change (a new keyframe, after which a late
            // joiner starts).
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                var warm = WebrtcErrorsIT.post(http, "http://127.0.0.1:" + whipPort + "/warm/whip",
                        WebrtcErrorsIT.H264_OFFER);
                assertThat(warm.statusCode()).as(warm.body()).isEqualTo(201);
            }
            WebrtcChromiumIT.Sent sent;
            try (Peer pub = Peer.start("publish-whip-chromium.sh", Map.of("VCODEC", codec), sluice.whip("live/cc"),
                    Integer.toString(SECONDS))) {
                pub.await(Duration.ofSeconds(SECONDS + 60));
                assertThat(pub.result("PUBLISHED").get("state")).as(pub.output()).isEqualTo("connected");
                sent = WebrtcChromiumIT.Sent.of(pub);
                pub.lines().stream().filter(l -> l.startsWith("WHIP|")).forEach(l -> System.out.println(
                        "CHROMIUM_FWD " + codec + " getStats " + l));
            }
            System.out.println("CHROMIUM_FWD " + codec + " sent " + sent + "; targets "
                    + sluice.server().paths().get("live/cc").forwardStats());
            long least = (long) Math.floor(SHARE * sent.frames());
            String wantCodec = codec.equals("h264") ? "h264" : "vp8";

            // the WHIP target: webrtcbin's output, after its jitter buffer (NACKs had their chance)
            Thread.sleep(2000);
            Map<String, String> w = Peer.fields(Files.readAllLines(status).stream()
                    .filter(l -> l.startsWith("SESSION ")).reduce((a, b) -> b).orElseThrow(
                            () -> new AssertionError("the WHIP sink got no session: " + whip.output())));
            System.out.println("CHROMIUM_FWD " + codec + " RTP-level RTSP target: " + rtp.describe());

            for (Peer sink : List.of(ffmpeg, gst)) {
                sink.await(Duration.ofSeconds(sinkSeconds + 60));
                System.out.println("CHROMIUM_FWD " + codec + " sink " + sink.result("RECEIVED"));
            }
            System.out.println("CHROMIUM_FWD " + codec + " whip target: " + w);
            assertThat(w.get("video_codec")).as(w.toString()).isEqualTo(wantCodec);
            assertThat(w.get("audio_codec")).as(w.toString()).isEqualTo("opus");
            assertThat(Long.parseLong(w.get("video_lost"))).as("video sequence gaps at the WHIP target " + w).isZero();
            assertThat(Long.parseLong(w.get("audio_lost"))).as("audio sequence gaps at the WHIP target " + w).isZero();
            assertThat(Long.parseLong(w.get("video_frames"))).as("frames at the WHIP target " + w + " of " + sent)
                    .isGreaterThanOrEqualTo(least);

            // the RTP-level RTSP target: every sequence number, and a marker bit per frame
            var sessions = rtp.recordingSessions();
            assertThat(sessions).as(rtp.describe()).hasSize(1);
            var channels = sessions.getFirst().counts();
            assertThat(channels).as(rtp.describe()).hasSize(2);
            assertThat(channels.values()).as(rtp.describe()).allSatisfy(c -> {
                assertThat(c.packets()).isPositive();
                assertThat(c.gaps()).as("RTP sequence gaps").isZero();
            });
            // video ends every frame with a marker bit; Opus sets it only at the start of a talkspurt
            long markers = channels.values().stream().mapToLong(RtspRecordServer.Counts::markers).max().orElse(0);
            assertThat(markers).as("frames (marker bits) " + rtp.describe() + " of " + sent)
                    .isGreaterThanOrEqualTo(least);

            // and what the RTSP sinks recorded and decoded
            for (Peer sink : List.of(ffmpeg, gst)) {
                Map<String, String> r = sink.result("RECEIVED");
                assertThat(r.get("video")).as(sink.output()).containsIgnoringCase(wantCodec);
                assertThat(r.get("audio")).as(sink.output()).containsIgnoringCase("opus");
                assertThat(Long.parseLong(r.get("frames"))).as("decoded frames " + sink.output() + " of " + sent)
                        .isGreaterThanOrEqualTo(least);
                assertThat(sink.output()).as("GStreamer must not abort").doesNotContain("assertion failed");
            }
        }
    }
}
