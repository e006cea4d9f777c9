package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real third-party peers publish over WHIP into a server transport: GStreamer webrtcbin (libnice +
 * OpenSSL DTLS + libsrtp) and headless Chromium (libwebrtc + BoringSSL). Skipped without the peer rig
 * (system property sluice.peers, default /work/shared/peers).
 */
@Timeout(90)
class WebrtcGstreamerPeerTest {
    private static final Path PEERS = Path.of(System.getProperty("sluice.peers", "/work/shared/peers"));

    @Test
    void webrtcbinPublishesH264() throws Exception {
        publishAndCount("publish-whip.sh");
    }

    @Test
    void chromiumPublishesH264() throws Exception {
        publishAndCount("publish-whip-chromium.sh");
    }

    private void publishAndCount(String script) throws Exception {
        assumeTrue(Files.isExecutable(PEERS.resolve(script)), "no " + PEERS.resolve(script));
        RecordingListener l = new RecordingListener();
        Process peer = null;
        Path log = Files.createTempFile("sluice-" + script, ".log");
        try (WebrtcUdpMux mux = new WebrtcUdpMux("127.0.0.1:0", List.of());
                WhipTestEndpoint whip = startEndpoint(mux, l)) {
            peer = new ProcessBuilder(PEERS.resolve(script).toString(), whip.url(), "15")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            l.connected.get(30, TimeUnit.SECONDS);
            long connectMs = (System.nanoTime() - whip.postNanos) / 1_000_000;
            WebrtcTransport t = whip.transports.getFirst();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline && videoPackets(l, whip.h264Pt) < 50) {
                Thread.sleep(50);
            }
            long video = videoPackets(l, whip.h264Pt);
            System.out.printf("%s: connected %d ms after POST, pair %s, SRTP %s, %d RTP (%d H264 PT %d), %d RTCP,"
                    + " %d decrypt errors%n", script, connectMs, t.selectedPair(), t.srtpProfile(), l.rtp.size(), video,
                    whip.h264Pt, l.rtcp.size(), t.decryptErrors());
            assertThat(video).as("H264 packets in 5 s").isGreaterThanOrEqualTo(50);
            assertThat(t.decryptErrors()).isZero();
        } finally {
            if (peer != null) {
                peer.descendants().forEach(ProcessHandle::destroy);
                peer.destroy();
                if (!peer.waitFor(5, TimeUnit.SECONDS)) {
                    peer.descendants().forEach(ProcessHandle::destroyForcibly);
                    peer.destroyForcibly();
                }
            }
            Files.readAllLines(log).stream().filter(x -> x.matches("(WHIP|PUBLISHED).*")).forEach(System.out::println);
            Files.deleteIfExists(log);
        }
        WebrtcLoopbackTest.assertNoThreads();
    }

    private static WhipTestEndpoint startEndpoint(WebrtcUdpMux mux, RecordingListener l) throws Exception {
        mux.start();
        return new WhipTestEndpoint(mux, DtlsCertificate.generate(), l);
    }

    private static long videoPackets(RecordingListener l, int pt) {
        return l.rtp.stream().filter(p -> (p[1] & 0x7F) == pt).count();
    }
}
