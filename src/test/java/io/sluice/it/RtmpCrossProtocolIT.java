package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.forward.TrackStatus;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One stream, two protocols: what an RTSP publisher sends reaches RTMP targets and readers and the
 * other way round, codecs RTMP cannot carry are skipped with a reason while the others go on, and H265
 * leaves as Enhanced RTMP.
 */
@Timeout(180)
class RtmpCrossProtocolIT {
    static final int SECONDS = 10;
    static final int FPS = 30;
    /** A camera-like stream's length: more than the clip, so the publisher loops it once. */
    static final int CAMERA_SECONDS = 15;

    private static String rtmpTarget(int port) {
        return """
                paths:
                  live/test:
                    forwardTargets:
                      - id: rtmp
                        url: rtmp://127.0.0.1:%d/live/out
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                """.formatted(port);
    }

    @Test
    void rtspPublisherReachesAnRtmpTargetAndAnRtmpReader() throws Exception {
        int nginx = Ports.tcp();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(rtmpTarget(nginx));
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 8))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(SECONDS))) {
                Thread.sleep(2000);
                try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("live/test"), "6")) {
                    reader.await(Duration.ofSeconds(60));
                    MediaChecks.assertRead(reader, 90, 140);
                }
                DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
                assertThat(s.state()).as(s.toString()).isEqualTo(DestState.FORWARDING);
                assertThat(s.tracks()).as(s.toString()).hasSize(2).allSatisfy(t -> assertThat(t.forwarded()).isTrue());
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            MediaChecks.assertReceived(sink, SECONDS);
        }
    }

    @Test
    void rtmpPublisherReachesAnRtspTargetAndAnRtspReader() throws Exception {
        int k = Ports.tcp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: rtsp
                        url: rtsp://127.0.0.1:%d/live/out
                        reconnectDelay: 500ms
                        rtspConfig: {transport: tcp}
                """.formatted(k);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-rtsp.sh", Integer.toString(k), "live/out", Integer.toString(SECONDS + 8))) {
            assertThat(Ports.awaitListening(k, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = Peer.start("publish-rtmp.sh", sluice.rtmp("live/test"), Integer.toString(SECONDS))) {
                Thread.sleep(2000);
                try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/test"), "6")) {
                    reader.await(Duration.ofSeconds(60));
                    MediaChecks.assertRead(reader, 90, 140);
                }
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
            assertThat(s.packets()).as(s.toString()).isGreaterThan(SECONDS * FPS);
            assertThat(s.dropped()).as(s.toString()).isZero();
            MediaChecks.assertReceived(sink, SECONDS);
        }
    }

    @Test
    void opusIsSkippedForAnRtmpTargetWithAReasonAndVideoStillGoes() throws Exception {
        int nginx = Ports.tcp();
        try (LogCapture logs = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start(rtmpTarget(nginx));
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 8))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = Peer.start("publish-rtsp.sh", Map.of("AUDIO", "opus"), sluice.rtsp("live/test"),
                    Integer.toString(SECONDS))) {
                Thread.sleep(4000);
                DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
                assertThat(s.state()).as(s.toString()).isEqualTo(DestState.FORWARDING);
                assertThat(s.tracks()).as(s.toString()).hasSize(2);
                TrackStatus video = s.tracks().stream().filter(t -> t.codec().contains("264")).findFirst().orElseThrow();
                TrackStatus opus = s.tracks().stream()
                        .filter(t -> t.codec().toLowerCase(Locale.ROOT).contains("opus")).findFirst().orElseThrow();
                assertThat(video.forwarded()).as(video.toString()).isTrue();
                assertThat(opus.forwarded()).as(opus.toString()).isFalse();
                assertThat(opus.reason()).as(opus.toString()).isNotBlank();
                System.out.println("opus skipped: " + opus);
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            assertThat(logs.messages(Level.WARN, "opus")).as("one warning for the skipped track").hasSize(1);
            sink.await(Duration.ofSeconds(90));
            Map<String, String> r = sink.result("RECEIVED");
            assertThat(r.get("video")).as(sink.output()).isEqualTo("h264");
            assertThat(r.get("audio")).as(sink.output()).isEqualTo("none");
            assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(SECONDS * FPS, FPS));
        }
    }

    /**
     * H265 leaves as Enhanced RTMP. ffmpeg 5.1 cannot read E-RTMP and nginx-rtmp 1.2.2 does not record it,
     * so the check is on the wire: tshark's RTMPT dissector ({@link RtmpVideoCapture}) gives the first
     * bytes of every video message sent to the nginx target. Each must carry the ExVideoTagHeader (bit
     * 0x80) with FourCC 'hvc1'; the first is a keyframe SequenceStart (HEVCDecoderConfigurationRecord),
     * then about one coded frame per published frame, a keyframe per 30-frame GOP.
     */
    @Test
    void h265LeavesAsEnhancedRtmpHvc1() throws Exception {
        int nginx = Ports.tcp();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(rtmpTarget(nginx));
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 8));
                RtmpVideoCapture capture = RtmpVideoCapture.start(nginx, SECONDS + 5)) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = FfmpegPeer.publish(sluice.rtsp("live/test"), SECONDS,
                    "-c:v libx265 -preset ultrafast -tune zerolatency -x265-params keyint=30:bframes=0:log-level=error "
                            + "-pix_fmt yuv420p -b:v 500k -c:a aac -b:a 64k -ac 1", false)) {
                Thread.sleep(4000);
                DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
                assertThat(s.state()).as(s.toString()).isEqualTo(DestState.FORWARDING);
                assertThat(s.tracks()).as(s.toString()).hasSize(2)
                        .allSatisfy(t -> assertThat(t.forwarded()).as(t.toString()).isTrue());
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            List<RtmpVideoCapture.VideoMessage> video = capture.messages(Duration.ofSeconds(30));
            assertThat(video).as(capture.output()).isNotEmpty();
            assertThat(video).as("every video message has the IsExHeader bit")
                    .allSatisfy(m -> assertThat(m.ex()).as(m.toString()).isTrue());
            List<RtmpVideoCapture.VideoMessage> withBytes = video.stream().filter(m -> !m.headHex().isEmpty()).toList();
            assertThat(withBytes).as("every video message whose bytes tshark gave is 'hvc1'")
                    .hasSizeGreaterThan(video.size() / 2)
                    .allSatisfy(m -> assertThat(m.fourCc()).as(m.toString()).isEqualTo("hvc1"));
            assertThat(video.getFirst().packetType()).as("first: SequenceStart " + video.getFirst()).isZero();
            assertThat(video.getFirst().frameType()).as("first: keyframe " + video.getFirst()).isEqualTo(1);
            long coded = video.stream().filter(m -> m.packetType() == 1 || m.packetType() == 3).count();
            long keyframes = video.stream().filter(m -> m.packetType() != 0 && m.frameType() == 1).count();
            assertThat(coded).as("coded frames").isGreaterThanOrEqualTo(MediaChecks.lossless(SECONDS * FPS, FPS));
            // one keyframe per second; the first and last second may be cut
            assertThat(keyframes).as("keyframes").isGreaterThanOrEqualTo(SECONDS - 2L);
            sink.await(Duration.ofSeconds(90));
            Map<String, String> r = sink.result("RECEIVED");
            assertThat(r.get("audio")).as("AAC goes along: " + sink.output()).isEqualTo("aac");
        }
    }

    /**
     * A camera-like stream (CameraClip: H264 High with B-frames, 6 Mbit/s 720p, GOP 4 s, AAC) published over
     * RTMP reaches an RTSP target (GstRtspServer, plus the RTP-level sink) and an SRT target, all up before the
     * publisher: every frame and every RTP packet must arrive.
     */
    @Test
    void cameraStreamFromRtmpReachesRtspAndSrtTargetsWhole() throws Exception {
        CameraClip.file(); // encoded before any peer's clock starts
        int gstRtsp = Ports.tcp();
        int gstSrt = Ports.udp();
        try (RtspRecordServer rtp = new RtspRecordServer();
                SluiceUnderTest sluice = SluiceUnderTest.start("""
                        paths:
                          live/test:
                            forwardTargets:
                              - id: rtsp
                                url: rtsp://127.0.0.1:%d/live/out
                                rtspConfig: {transport: tcp}
                              - id: rtp
                                url: rtsp://127.0.0.1:%d/live/rtp
                                rtspConfig: {transport: tcp}
                              - id: srt
                                url: srt://127.0.0.1:%d?streamid=publish:out
                        """.formatted(gstRtsp, rtp.port(), gstSrt));
                Peer sinkRtsp = Peer.start("sink-rtsp.sh", Map.of("IMPL", "gst"), Integer.toString(gstRtsp),
                        "live/out", Integer.toString(CAMERA_SECONDS + 10));
                Peer sinkSrt = Peer.start("sink-srt.sh", Integer.toString(gstSrt), Integer.toString(CAMERA_SECONDS + 10))) {
            assertThat(sinkRtsp.awaitLine("listening", Duration.ofSeconds(10))).as(sinkRtsp.output()).isTrue();
            assertThat(Ports.awaitUdpBound(gstSrt, Duration.ofSeconds(10))).as(sinkSrt.output()).isTrue();
            try (Peer pub = CameraClip.publishRtmp(sluice.rtmp("live/test"), CAMERA_SECONDS)) {
                assertThat(pub.await(Duration.ofSeconds(CAMERA_SECONDS + 60))).as(pub.output()).isZero();
                List<DestStats> stats = sluice.server().paths().get("live/test").forwardStats();
                assertThat(stats).allSatisfy(s -> {
                    assertThat(s.dropped()).as(s.toString()).isZero();
                    assertThat(s.reconnects()).as(s.toString()).isZero();
                });
                MediaChecks.assertReceivedCamera(sinkRtsp, pub);
                MediaChecks.assertReceivedCamera(sinkSrt, pub);
                MediaChecks.assertNoRtpGaps(rtp, CameraClip.sentFrames(pub));
            }
        }
    }

    /**
     * The same camera-like stream published over RTSP reaches an nginx-rtmp target whole. RTP carries no DTS,
     * so Sluice must derive it for FLV from the B-frame reordering.
     */
    @Test
    void cameraStreamFromRtspReachesAnRtmpTargetWhole() throws Exception {
        CameraClip.file(); // encoded before any peer's clock starts
        int nginx = Ports.tcp();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(rtmpTarget(nginx));
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(CAMERA_SECONDS + 10))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = CameraClip.publishRtsp(sluice.rtsp("live/test"), CAMERA_SECONDS)) {
                assertThat(pub.await(Duration.ofSeconds(CAMERA_SECONDS + 60))).as(pub.output()).isZero();
                DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
                assertThat(s.dropped()).as(s.toString()).isZero();
                MediaChecks.assertReceivedCamera(sink, pub);
            }
        }
    }
}
