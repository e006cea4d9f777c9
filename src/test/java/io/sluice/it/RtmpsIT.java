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
import org.junit.jupiter.api.io.TempDir;

/**
 * RTMPS end to end with self-signed certificates made by openssl: ffmpeg (GnuTLS) publishes
 * {@code rtmps://} to a Sluice with {@code rtmpEncryption: optional}, which forwards over {@code rtmps://}
 * to a second, in-process Sluice with {@code rtmpEncryption: strict}, trusting it by the certificate's
 * SHA-256 fingerprint; a target pinned to another fingerprint is refused at the handshake and says why.
 */
@Timeout(150)
class RtmpsIT {
    static final int SECONDS = 8;
    static final int FPS = 30;
    /**
     * Readers of only 3 s behind a chain of two servers: ffmpeg's probe and the join at a keyframe take an
     * unmeasured part of that window, so this is a did-it-flow check, not a loss check (that is RtmpForwardIT's).
     */
    static final double MIN_SHARE = 0.8;

    @TempDir
    Path dir;



    @Test
    void rtmpsPublisherToAnRtmpsTargetPinnedByFingerprint() throws Exception {
        TestCert a = TestCert.selfSigned(dir, "a");
        TestCert b = TestCert.selfSigned(dir, "b");
        String tlsB = """
                rtmpEncryption: strict
                rtmpServerCert: %s
                rtmpServerKey: %s
                paths:
                  all_others: {}
                """.formatted(b.cert(), b.key());
        try (SluiceUnderTest sluiceB = SluiceUnderTest.start(tlsB)) {
            String tlsA = """
                    rtmpEncryption: optional
                    rtmpServerCert: %s
                    rtmpServerKey: %s
                    paths:
                      live/test:
                        forwardTargets:
                          - id: pinned
                            url: rtmps://127.0.0.1:%d/live/out
                            reconnectDelay: 500ms
                            rtmpConfig: {fingerprint: "%s"}
                          - id: wrongpin
                            url: rtmps://127.0.0.1:%d/live/wrong
                            reconnectDelay: 500ms
                            rtmpConfig: {fingerprint: "%s"}
                    """.formatted(a.cert(), a.key(), sluiceB.rtmpsPort, b.fingerprint(), sluiceB.rtmpsPort, a.fingerprint());
            try (SluiceUnderTest sluiceA = SluiceUnderTest.start(tlsA);
                    Peer pub = FfmpegPeer.publishRtmp(sluiceA.rtmps("live/test"), SECONDS)) {
                Thread.sleep(2500);
                // B got the stream from A over RTMPS: read it back over RTSP (B has no plain RTMP listener)
                try (Peer readB = Peer.start("read-rtsp.sh", sluiceB.rtsp("live/out"), "5");
                        Peer readA = FfmpegPeer.readRtmp(sluiceA.rtmps("live/test"), 5)) {
                    Thread.sleep(1000);
                    List<DestStats> stats = sluiceA.server().paths().get("live/test").forwardStats();
                    readB.await(Duration.ofSeconds(40));
                    readA.await(Duration.ofSeconds(40));
                    for (Peer reader : List.of(readB, readA)) {
                        Map<String, String> r = reader.result("READ");
                        assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
                        assertThat(r.get("audio")).as(reader.output()).isEqualTo("aac");
                        assertThat(Integer.parseInt(r.get("frames"))).as(reader.output())
                                .isGreaterThanOrEqualTo((int) (3 * FPS * MIN_SHARE));
                    }
                    DestStats pinned = stats.get(0);
                    DestStats wrong = stats.get(1);
                    assertThat(pinned.state()).as(pinned.toString()).isEqualTo(DestState.FORWARDING);
                    assertThat(pinned.bytes()).as(pinned.toString()).isPositive();
                    assertThat(wrong.state()).as(wrong.toString()).isIn(DestState.BACKOFF, DestState.CONNECTING);
                    assertThat(wrong.packets()).as(wrong.toString()).isZero();
                    assertThat(wrong.lastError()).as(wrong.toString()).containsIgnoringCase("fingerprint");
                }
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            assertThat(sluiceB.server().paths().get("live/wrong")).as("nothing reached B under the wrong pin")
                    .satisfiesAnyOf(p -> assertThat(p).isNull(), p -> assertThat(p.hasPublisher()).isFalse());
        }
    }

    @Test
    void strictModeHasNoPlainListener() throws Exception {
        TestCert a = TestCert.selfSigned(dir, "s");
        String yaml = """
                rtmpEncryption: strict
                rtmpServerCert: %s
                rtmpServerKey: %s
                """.formatted(a.cert(), a.key());
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer plain = Peer.start("publish-rtmp.sh", sluice.rtmp("live/test"), "2")) {
            assertThat(plain.await(Duration.ofSeconds(30))).as("plain RTMP refused: " + plain.output()).isNotZero();
            assertThat(Ports.awaitListening(sluice.rtmpsPort, Duration.ofSeconds(2))).isTrue();
        }
    }
}
