package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client (WHIP target) transport that sees only the server's passive TCP candidates, as from a remote behind a
 * UDP-blocking network: it connects out (IceTcpActive) and ICE, DTLS and SRTP run over that connection.
 */
@Timeout(60)
class IceTcpActiveTest {
    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate();
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate();
    private static WebrtcUdpMux udp;
    private static WebrtcTcpMux tcp;

    @BeforeAll
    static void bind() throws Exception {
        udp = new WebrtcUdpMux("127.0.0.1:0", List.of());
        udp.start();
        tcp = new WebrtcTcpMux("127.0.0.1:0", List.of());
        tcp.start();
    }

    @AfterAll
    static void unbind() {
        tcp.close();
        udp.close();
    }

    @Test
    void clientConnectsToThePassiveCandidateAndCarriesMedia() throws Exception {
        RecordingListener s = new RecordingListener();
        RecordingListener c = new RecordingListener();
        WebrtcTransport server = WebrtcTransport.forServer(udp, tcp, SERVER_CERT, s);
        WebrtcTransport client = WebrtcTransport.forClient(CLIENT_CERT, List.of(), "127.0.0.1", c);
        try {
            List<String> tcpOnly = server.localCandidates().stream().filter(x -> x.contains(" tcp ")).toList();
            assertThat(tcpOnly).singleElement().asString().contains("tcptype passive");
            server.start(client.localUfrag(), client.localPwd(), client.localFingerprint(), "actpass", List.of());
            client.start(server.localUfrag(), server.localPwd(), "sha-256 " + SERVER_CERT.fingerprintSha256(),
                    "passive", tcpOnly);
            c.connected.get(20, TimeUnit.SECONDS);
            s.connected.get(20, TimeUnit.SECONDS);
            System.out.printf("active ICE-TCP pair %s%n", client.selectedPair());
            assertThat(client.selectedPair()).matches("127\\.0\\.0\\.1:\\d+ <-> 127\\.0\\.0\\.1:" + tcp.port() + " tcp");
            List<byte[]> toServer = new ArrayList<>();
            List<byte[]> toClient = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                toServer.add(WebrtcLoopbackTest.sendRtp(client, 0x11111111, i));
                toClient.add(WebrtcLoopbackTest.sendRtp(server, 0x22222222, i));
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((s.rtp.size() < 300 || c.rtp.size() < 300) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // TCP: every packet, in order
            assertThat(s.rtp).hasSize(300);
            assertThat(c.rtp).hasSize(300);
            for (int i = 0; i < 300; i++) {
                assertThat(s.rtp.get(i)).isEqualTo(toServer.get(i));
                assertThat(c.rtp.get(i)).isEqualTo(toClient.get(i));
            }
        } finally {
            client.close();
            server.close();
        }
        // the transports' threads and the connects' have ended (the mux's acceptor is the class's)
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline && sessionThreads() > 0) {
            Thread.sleep(20);
        }
        assertThat(sessionThreads()).isZero();
    }

    private static long sessionThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("sluice-webrtc") && !n.startsWith("sluice-webrtc-tcp-accept")).count();
    }
}
