package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SRT in → Sluice → SRT out, driven by third-party peers: ffmpeg publishes MPEG-TS over SRT, a
 * GStreamer srtsrc listener (which reports the caller's streamid) and an encrypted srt-live-transmit
 * listener receive the forwarded stream at once, and ffmpeg reads the local path over SRT.
 */
@Timeout(180)
class SrtForwardIT {
    static final int SECONDS = 10;
    static final String PASSPHRASE = "sluice-secret-42";
    /** A camera-like stream's length: more than the clip, so the publisher loops it once. */
    static final int CAMERA_SECONDS = 15;

    @Test
    void srtPublisherToGstreamerAndEncryptedSltTargetsAndAnFfmpegReader() throws Exception {
        int gst = Ports.udp();
        int slt = Ports.udp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: gst
                        url: srt://127.0.0.1:%d?streamid=publish:out/gst
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                      - id: slt
                        url: srt://127.0.0.1:%d
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                        srtConfig:
                          passphrase: %s
                          pbkeylen: 16
                """.formatted(gst, slt, PASSPHRASE);
        Path sltScript = Path.of(System.getProperty("user.dir"), "src/test/resources/peers/sink-slt-passphrase.sh");
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sinkGst = Peer.start("sink-srt.sh", Integer.toString(gst), Integer.toString(SECONDS + 8));
                Peer sinkSlt = Peer.command("sink-slt-passphrase.sh", Map.of(), List.of("bash", sltScript.toString(),
                        Integer.toString(slt), PASSPHRASE, Integer.toString(SECONDS + 8)))) {
            assertThat(Ports.awaitUdpBound(gst, Duration.ofSeconds(10))).as(sinkGst.output()).isTrue();
            assertThat(Ports.awaitUdpBound(slt, Duration.ofSeconds(10))).as(sinkSlt.output()).isTrue();
            List<DestStats> during;
            try (Peer pub = Peer.start("publish-srt.sh", sluice.srt(), "publish:live/test", Integer.toString(SECONDS))) {
                Thread.sleep(2500);
                try (Peer reader = Peer.start("read-srt.sh", sluice.srt(), "read:live/test", "6")) {
                    Thread.sleep(2000);
                    during = sluice.server().paths().get("live/test").forwardStats();
                    reader.await(Duration.ofSeconds(60));
                    // 6 s minus the reader's probe, from the cached keyframe on
                    MediaChecks.assertRead(reader, 90, 130);
                }
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            assertThat(during).extracting(DestStats::id).containsExactly("gst", "slt");
            assertThat(during).allSatisfy(s -> {
                assertThat(s.state()).as(s.toString()).isEqualTo(DestState.FORWARDING);
                assertThat(s.protocol()).isEqualTo("srt");
                assertThat(s.tracks()).as(s.toString()).hasSize(2).allSatisfy(t -> assertThat(t.forwarded()).isTrue());
                // libsrt's own figures, per target
                assertThat(s.link()).as(s.toString()).containsKeys("rttMs", "pktSent", "pktRetrans", "sndBufMs");
                assertThat(s.link().get("pktSent").longValue()).as(s.toString()).isPositive();
                assertThat(s.link().get("rttMs").doubleValue()).as(s.toString()).isBetween(0.0, 500.0);
            });
            List<DestStats> after = sluice.server().paths().get("live/test").forwardStats();
            assertThat(after).allSatisfy(s -> {
                assertThat(s.dropped()).as(s.toString()).isZero();
                assertThat(s.reconnects()).as(s.toString()).isZero();
            });
            MediaChecks.assertReceived(sinkGst, SECONDS);
            MediaChecks.assertReceived(sinkSlt, SECONDS);
            assertThat(sinkGst.result("RECEIVED").get("streamids")).as(sinkGst.output()).isEqualTo("publish:out/gst");
        }
    }

    /**
     * A camera-like stream (CameraClip: H264 High with B-frames, 6 Mbit/s 720p, GOP 4 s, AAC) to a GStreamer
     * srtsrc target that is up before the publisher: every frame the publisher sent must arrive.
     */
    @Test
    void cameraStreamReachesAGstreamerTargetWhole() throws Exception {
        CameraClip.file(); // encoded before any peer\'s clock starts
        int gst = Ports.udp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: gst
                        url: srt://127.0.0.1:%d?streamid=publish:out/gst
                """.formatted(gst);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-srt.sh", Integer.toString(gst), Integer.toString(CAMERA_SECONDS + 10))) {
            assertThat(Ports.awaitUdpBound(gst, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = CameraClip.publishSrt(sluice.srt(), "publish:live/test", CAMERA_SECONDS)) {
                assertThat(pub.await(Duration.ofSeconds(CAMERA_SECONDS + 60))).as(pub.output()).isZero();
                DestStats s = sluice.server().paths().get("live/test").forwardStats().getFirst();
                assertThat(s.dropped()).as(s.toString()).isZero();
                assertThat(s.reconnects()).as(s.toString()).isZero();
                MediaChecks.assertReceivedCamera(sink, pub);
            }
        }
    }
}
