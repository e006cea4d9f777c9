package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.forward.TrackStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Forwarding with WebRTC on either side, driven by third-party peers: a GStreamer webrtcbin WHIP
 * server (sink-whip.sh) as the target of a WHIP publisher and of an ffmpeg RTSP publisher, and a WHIP
 * publisher forwarded to ffmpeg RTSP and nginx-rtmp targets.
 */
@Timeout(240)
class WebrtcForwardIT {
    static final int SECONDS = 12;
    /**
     * Only for the WHIP publisher (publish-whip.sh reports no count of frames sent, so there is nothing to compare
     * with) and the killed-and-restarted sink: 8 of the 12 s at 80 %. RTSP publishers → WHIP targets are held to
     * MediaChecks.lossless against the publisher's own count.
     */
    static final double WEBRTC_SHARE = 0.8;
    static final int MIN_FRAMES = (int) (8 * MediaChecks.FPS * WEBRTC_SHARE);

    static String target(String id, String url) {
        return """
                      - id: %s
                        url: %s
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                """.formatted(id, url);
    }

    @Test
    void whipPublisherToWhipRtspAndRtmpTargets() throws Exception {
        int whip = Ports.tcp();
        int rtsp = Ports.tcp();
        int rtmp = Ports.tcp();
        String yaml = "paths:\n  live/cam:\n    forwardTargets:\n"
                + target("whip", "whip://127.0.0.1:" + whip + "/remote/whip")
                + target("rtsp", "rtsp://127.0.0.1:" + rtsp + "/remote")
                + target("rtmp", "rtmp://127.0.0.1:" + rtmp + "/live/remote");
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sinkWhip = Peer.start("sink-whip.sh", Integer.toString(whip), Integer.toString(SECONDS + 12));
                Peer sinkRtsp = Peer.start("sink-rtsp.sh", Integer.toString(rtsp), "remote",
                        Integer.toString(SECONDS + 12));
                Peer sinkRtmp = Peer.start("sink-rtmp.sh", Integer.toString(rtmp), Integer.toString(SECONDS + 12))) {
            assertThat(Ports.awaitListening(whip, Duration.ofSeconds(15))).as(sinkWhip.output()).isTrue();
            assertThat(Ports.awaitListening(rtsp, Duration.ofSeconds(15))).as(sinkRtsp.output()).isTrue();
            assertThat(Ports.awaitListening(rtmp, Duration.ofSeconds(15))).as(sinkRtmp.output()).isTrue();
            List<DestStats> during;
            try (Peer pub = Peer.start("publish-whip.sh", sluice.whip("live/cam"), Integer.toString(SECONDS))) {
                WebrtcIngestIT.awaitPublisher(sluice, "live/cam", pub);
                during = awaitForwarding(sluice, "live/cam");
                pub.await(Duration.ofSeconds(SECONDS + 30));
            }
            Map<String, DestStats> byId = byId(during);
            assertThat(byId.get("whip").state()).as(byId.toString()).isEqualTo(DestState.FORWARDING);
            assertThat(byId.get("whip").tracks()).as(byId.toString()).hasSize(2)
                    .allSatisfy(t -> assertThat(t.forwarded()).isTrue());
            assertThat(byId.get("whip").link()).as(byId.toString()).containsKeys("rttMs", "nacks", "plis");
            assertThat(byId.get("rtsp").state()).as(byId.toString()).isEqualTo(DestState.FORWARDING);
            // Opus cannot go to a classic RTMP server: skipped, video still forwarded
            assertThat(byId.get("rtmp").tracks()).as(byId.toString()).extracting(TrackStatus::forwarded)
                    .containsExactly(true, false);

            sinkWhip.await(Duration.ofSeconds(60));
            Map<String, String> w = sinkWhip.result("RECEIVED");
            assertThat(w.get("video")).as(sinkWhip.output()).containsIgnoringCase("h264");
            assertThat(w.get("audio")).as(sinkWhip.output()).containsIgnoringCase("opus");
            assertThat(Integer.parseInt(w.get("frames"))).as(sinkWhip.output()).isGreaterThan(MIN_FRAMES);
            assertThat(Integer.parseInt(w.get("frames.2"))).as(sinkWhip.output()).isPositive();

            sinkRtsp.await(Duration.ofSeconds(60));
            Map<String, String> r = sinkRtsp.result("RECEIVED");
            assertThat(r.get("video")).as(sinkRtsp.output()).isEqualTo("h264");
            assertThat(r.get("audio")).as(sinkRtsp.output()).isEqualTo("opus");
            assertThat(Integer.parseInt(r.get("frames"))).as(sinkRtsp.output()).isGreaterThan(MIN_FRAMES);

            sinkRtmp.await(Duration.ofSeconds(60));
            Map<String, String> m = sinkRtmp.result("RECEIVED");
            assertThat(m.get("video")).as(sinkRtmp.output()).isEqualTo("h264");
            assertThat(Integer.parseInt(m.get("frames"))).as(sinkRtmp.output()).isGreaterThan(MIN_FRAMES);
        }
    }

    /**
     * A camera-like RTSP publish (H264 High with B-frames, 6 Mbit/s 720p, AAC) to a WHIP target: the target
     * connects (ICE + DTLS) after the stream is up and starts at the cached keyframe, so every video frame the
     * publisher sent is decoded by webrtcbin (lossless; its decoder keeps the last 2 B-frame-reordered frames,
     * inside the end margin). AAC cannot be carried by WebRTC and is listed as skipped.
     */
    @Test
    void cameraPublisherToWhipTargetLosesNoFrame() throws Exception {
        CameraClip.file();
        int sinkPort = Ports.tcp();
        String yaml = "paths:\n  live/cam:\n    forwardTargets:\n"
                + target("w", "whip://127.0.0.1:" + sinkPort + "/remote/whip");
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-whip.sh", Integer.toString(sinkPort), Integer.toString(SECONDS + 14))) {
            assertThat(Ports.awaitListening(sinkPort, Duration.ofSeconds(15))).as(sink.output()).isTrue();
            List<DestStats> during;
            int sent;
            try (Peer pub = CameraClip.publishRtsp(sluice.rtsp("live/cam"), SECONDS)) {
                during = awaitForwarding(sluice, "live/cam");
                pub.await(Duration.ofSeconds(SECONDS + 30));
                sent = CameraClip.sentFrames(pub);
            }
            DestStats w = during.getFirst();
            assertThat(w.state()).as(w.toString()).isEqualTo(DestState.FORWARDING);
            assertThat(w.tracks()).as(w.toString()).extracting(TrackStatus::forwarded).containsExactly(true, false);
            sink.await(Duration.ofSeconds(60));
            Map<String, String> r = sink.result("RECEIVED");
            System.out.printf("RECEIVED whip camera: video %s of %d sent%n", r.get("frames"), sent);
            assertThat(r.get("video")).as(sink.output()).containsIgnoringCase("h264");
            assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(sent, MediaChecks.FPS));
        }
    }

    @Test
    void rtspPublisherWithOpusAndWithAacToWhipTargets() throws Exception {
        int opusSink = Ports.tcp();
        int aacSink = Ports.tcp();
        String yaml = "paths:\n  live/opus:\n    forwardTargets:\n"
                + target("w", "webrtc://127.0.0.1:" + opusSink + "/remote")
                + "  live/aac:\n    forwardTargets:\n"
                + target("w", "whip://127.0.0.1:" + aacSink + "/remote/whip?token=secret");
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer s1 = Peer.start("sink-whip.sh", Integer.toString(opusSink), Integer.toString(SECONDS + 12));
                Peer s2 = Peer.start("sink-whip.sh", Integer.toString(aacSink), Integer.toString(SECONDS + 12))) {
            assertThat(Ports.awaitListening(opusSink, Duration.ofSeconds(15))).as(s1.output()).isTrue();
            assertThat(Ports.awaitListening(aacSink, Duration.ofSeconds(15))).as(s2.output()).isTrue();
            List<DestStats> opus;
            List<DestStats> aac;
            // A 4 s GOP: the WHIP targets connect (ICE + DTLS) after the stream is up and start at the cached
            // keyframe, so with a GOP longer than that set-up every frame sent reaches them.
            int sent1;
            int sent2;
            try (Peer p1 = Peer.start("publish-rtsp.sh", Map.of("AUDIO", "opus", "GOP", "120"),
                        sluice.rtsp("live/opus"), Integer.toString(SECONDS));
                    Peer p2 = Peer.start("publish-rtsp.sh", Map.of("AUDIO", "aac", "GOP", "120"),
                            sluice.rtsp("live/aac"), Integer.toString(SECONDS))) {
                opus = awaitForwarding(sluice, "live/opus");
                aac = awaitForwarding(sluice, "live/aac");
                p1.await(Duration.ofSeconds(SECONDS + 30));
                p2.await(Duration.ofSeconds(SECONDS + 30));
                sent1 = Integer.parseInt(p1.result("PUBLISHED").get("video_frames"));
                sent2 = Integer.parseInt(p2.result("PUBLISHED").get("video_frames"));
            }
            assertThat(opus.getFirst().state()).as(opus.toString()).isEqualTo(DestState.FORWARDING);
            assertThat(opus.getFirst().tracks()).as(opus.toString()).allSatisfy(t -> assertThat(t.forwarded()).isTrue());
            DestStats a = aac.getFirst();
            assertThat(a.state()).as(a.toString()).isEqualTo(DestState.FORWARDING);
            assertThat(a.tracks()).as(a.toString()).extracting(TrackStatus::forwarded).containsExactly(true, false);
            assertThat(a.tracks().get(1).reason()).as(a.toString()).containsIgnoringCase("WebRTC");

            s1.await(Duration.ofSeconds(60));
            Map<String, String> r1 = s1.result("RECEIVED");
            assertThat(r1.get("video")).as(s1.output()).containsIgnoringCase("h264");
            assertThat(Integer.parseInt(r1.get("frames"))).as(s1.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(sent1, MediaChecks.FPS));
            assertThat(r1.get("audio")).as(s1.output()).containsIgnoringCase("opus");
            s2.await(Duration.ofSeconds(60));
            Map<String, String> r2 = s2.result("RECEIVED");
            assertThat(r2.get("video")).as(s2.output()).containsIgnoringCase("h264");
            assertThat(Integer.parseInt(r2.get("frames"))).as(s2.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(sent2, MediaChecks.FPS));
        }
    }

    @Test
    void whipTargetRestartIsReconnected() throws Exception {
        int port = Ports.tcp();
        String yaml = "paths:\n  live/r:\n    forwardTargets:\n" + target("w", "whip://127.0.0.1:" + port + "/x/whip");
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer pub = Peer.start("publish-rtsp.sh", Map.of("AUDIO", "opus"), sluice.rtsp("live/r"), "36")) {
            try (Peer first = Peer.start("sink-whip.sh", Integer.toString(port), "8")) {
                first.await(Duration.ofSeconds(40));
                assertThat(Integer.parseInt(first.result("RECEIVED").get("frames"))).as(first.output()).isPositive();
            }
            // the vanished first target is noticed by its RTCP silence (12 s), then reconnected
            try (Peer second = Peer.start("sink-whip.sh", Integer.toString(port), "24")) {
                second.await(Duration.ofSeconds(40));
                Map<String, String> r = second.result("RECEIVED");
                assertThat(Integer.parseInt(r.get("frames"))).as(second.output())
                        .isGreaterThan((int) (6 * MediaChecks.FPS * WEBRTC_SHARE));
            }
            DestStats s = sluice.server().paths().get("live/r").forwardStats().getFirst();
            assertThat(s.reconnects()).as(s.toString()).isPositive();
            assertThat(s.lastError()).as(s.toString()).contains("no RTCP");
        }
    }

    /**
     * The path's target stats once every target forwards, or as they are after 20 s (the caller's assertions then
     * say which did not): a WHIP target's first session in a cold JVM on a loaded machine can take 5-8 s to
     * connect, so a sample at a fixed time would catch it connecting.
     */
    static List<DestStats> awaitForwarding(SluiceUnderTest sluice, String path) throws Exception {
        Wait.until(() -> {
            var p = sluice.server().paths().get(path);
            return p != null && !p.forwardStats().isEmpty()
                    && p.forwardStats().stream().allMatch(d -> d.state() == DestState.FORWARDING);
        }, Duration.ofSeconds(20));
        return sluice.server().paths().get(path).forwardStats();
    }

    static Map<String, DestStats> byId(List<DestStats> stats) {
        Map<String, DestStats> m = new java.util.LinkedHashMap<>();
        stats.forEach(s -> m.put(s.id(), s));
        return m;
    }
}
