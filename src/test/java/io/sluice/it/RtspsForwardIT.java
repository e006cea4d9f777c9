package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * rtsps:// targets: socat terminates TLS (a self-signed P-256 certificate made by openssl) in front
 * of an ffmpeg RTSP sink. The target pinned to the certificate's fingerprint forwards; a target
 * pinned to another fingerprint is refused at the TLS handshake and says why.
 */
@Timeout(120)
class RtspsForwardIT {
    @TempDir
    Path dir;


    @Test
    void pinnedSelfSignedTargetForwardsAndAWrongPinIsRefused() throws Exception {
        TestCert tc = TestCert.selfSigned(dir, "target");
        String fp = tc.fingerprint();
        Path cert = Path.of(tc.cert());
        Path key = Path.of(tc.key());
        assertThat(Files.size(cert)).isPositive();
        int sinkPort = Ports.tcp();
        int tlsPort = Ports.tcp();
        String wrong = "00".repeat(32);
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: pinned
                        url: rtsps://127.0.0.1:%d/live/a
                        reconnectDelay: 500ms
                        rtspConfig: {transport: tcp, fingerprint: "%s"}
                      - id: wrongpin
                        url: rtsps://127.0.0.1:%d/live/a
                        reconnectDelay: 500ms
                        rtspConfig: {transport: tcp, fingerprint: "%s"}
                """.formatted(tlsPort, fp, tlsPort, wrong);
        // Sluice first: the sink records for a fixed time, and on a loaded machine Sluice's start-up used to eat
        // a third of that window (158 of 240 frames recorded while the forward itself lost nothing).
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-rtsp.sh", Integer.toString(sinkPort), "live/a", "20");
                Peer tls = Peer.command("socat", Map.of(), List.of("timeout", "-k", "2", "45", "socat",
                        "OPENSSL-LISTEN:" + tlsPort + ",bind=127.0.0.1,reuseaddr,fork,cert=" + cert + ",key=" + key
                                + ",verify=0",
                        "TCP:127.0.0.1:" + sinkPort))) {
            Thread.sleep(1000);
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), "8")) {
                pub.await(Duration.ofSeconds(40));
            }
            List<DestStats> stats = sluice.server().paths().get("live/test").forwardStats();
            DestStats wrongPin = stats.get(1);
            assertThat(wrongPin.state()).isIn(DestState.BACKOFF, DestState.CONNECTING, DestState.IDLE);
            assertThat(wrongPin.packets()).isZero();
            assertThat(wrongPin.lastError()).containsIgnoringCase("fingerprint");
            assertThat(stats.getFirst().packets()).isGreaterThan(200);
            sink.await(Duration.ofSeconds(60));
            Map<String, String> r = sink.result("RECEIVED");
            assertThat(r.get("video")).isEqualTo("h264");
            assertThat(Integer.parseInt(r.get("frames"))).as(sink.output()).isGreaterThanOrEqualTo(MediaChecks.lossless(8 * 30, 30));
        }
    }
}
