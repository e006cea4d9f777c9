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
 * mediamtx's forward entry to a whips:// target with destFingerprint and whipBearerToken: an ffmpeg RTSP
 * publisher on Sluice A, forwarded over WHIP to a second Sluice whose WebRTC server serves HTTPS with a
 * self-signed certificate (openssl). The entry pinned to that certificate forwards; the one pinned to another
 * certificate is refused at the TLS handshake and stays in backoff.
 */
@Timeout(150)
class WhipsPinnedIT {
    static final int SECONDS = 8;

    @TempDir
    Path dir;

    @Test
    void whipsTargetPinnedByDestFingerprint() throws Exception {
        TestCert a = TestCert.selfSigned(dir, "a");
        TestCert b = TestCert.selfSigned(dir, "b");
        String tlsB = """
                webrtcEncryption: yes
                webrtcServerCert: %s
                webrtcServerKey: %s
                paths:
                  all_others: {}
                """.formatted(b.cert(), b.key());
        try (SluiceUnderTest sluiceB = SluiceUnderTest.start(tlsB)) {
            String endpoint = "whips://127.0.0.1:" + sluiceB.webrtcPort;
            String yamlA = """
                    paths:
                      live/test:
                        forward:
                          - dest: %s/live/out/whip
                            destFingerprint: "%s"
                            whipBearerToken: t0ken
                          - dest: %s/live/wrong/whip
                            destFingerprint: "%s"
                    """.formatted(endpoint, b.fingerprint(), endpoint, a.fingerprint());
            try (SluiceUnderTest sluiceA = SluiceUnderTest.start(yamlA);
                    Peer pub = Peer.start("publish-rtsp.sh", Map.of("AUDIO", "opus"), sluiceA.rtsp("live/test"),
                            Integer.toString(SECONDS))) {
                DestStats pinned = null;
                DestStats wrong = null;
                for (int i = 0; i < 40; i++) {
                    Thread.sleep(250);
                    List<DestStats> stats = sluiceA.server().paths().get("live/test") == null ? List.of()
                            : sluiceA.server().paths().get("live/test").forwardStats();
                    if (stats.size() == 2 && stats.get(0).bytes() > 0 && !stats.get(1).lastError().isEmpty()) {
                        pinned = stats.get(0);
                        wrong = stats.get(1);
                        break;
                    }
                }
                assertThat(pinned).as("both targets tried within 10 s").isNotNull();
                assertThat(pinned.state()).as(pinned.toString()).isEqualTo(DestState.FORWARDING);
                assertThat(sluiceB.server().paths().get("live/out").hasPublisher()).isTrue();
                assertThat(wrong.state()).as(wrong.toString()).isIn(DestState.BACKOFF, DestState.CONNECTING);
                assertThat(wrong.packets()).as(wrong.toString()).isZero();
                assertThat(wrong.lastError()).as(wrong.toString()).containsIgnoringCase("fingerprint");
                assertThat(pinned.toString() + wrong).doesNotContain("t0ken");
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            assertThat(sluiceB.server().paths().get("live/wrong")).as("nothing reached B under the wrong pin")
                    .satisfiesAnyOf(p -> assertThat(p).isNull(), p -> assertThat(p.hasPublisher()).isFalse());
        }
    }
}
