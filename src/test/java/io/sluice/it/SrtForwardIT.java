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
    static final int FPS = 30;
    static final double AAC_FPS = 48000 / 1024.0;
    static final double MIN_SHARE = 0.8;
    static final String PASSPHRASE = "sluice-secret-42";

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
                    Map<String, String> r = reader.result("READ");
                    assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
                    assertThat(r.get("audio")).as(reader.output()).isEqualTo("aac");
                    // 6 s minus the reader's probe, from the cached keyframe on
                    assertThat(Integer.parseInt(r.get("frames"))).as(reader.output()).isGreaterThan(90);
                    assertThat(Integer.parseInt(r.get("frames.2"))).as("audio: " + reader.output()).isGreaterThan(130);
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
            for (Peer sink : List.of(sinkGst, sinkSlt)) {
                sink.await(Duration.ofSeconds(90));
                Map<String, String> r = sink.result("RECEIVED");
                assertThat(r.get("video")).as(sink.output()).isEqualTo("h264");
                assertThat(r.get("audio")).as(sink.output()).isEqualTo("aac");
                assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                        .isGreaterThanOrEqualTo((int) (SECONDS * FPS * MIN_SHARE));
                assertThat(Integer.parseInt(r.get("frames.2"))).as("audio: " + sink.output())
                        .isGreaterThanOrEqualTo((int) (SECONDS * AAC_FPS * MIN_SHARE));
            }
            assertThat(sinkGst.result("RECEIVED").get("streamids")).as(sinkGst.output()).isEqualTo("publish:out/gst");
        }
    }
}
