package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidateTcpType;
import org.ice4j.ice.Component;
import org.ice4j.ice.KeepAliveStrategy;
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
        long t0 = System.nanoTime();
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
            System.out.printf("active ICE-TCP pair %s after %.0f ms%n", client.selectedPair(),
                    (System.nanoTime() - t0) / 1e6);
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

    /**
     * The connect step alone: a refused candidate and the remote's active (port 9) and UDP ones add nothing, a
     * listening passive one adds an active local candidate on the connection's address, paired with it.
     */
    @Test
    void connectsOnlyToPassiveCandidatesThatAnswer() throws Exception {
        int refusedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusedPort = gone.getLocalPort();
        }
        Agent agent = new Agent();
        try (ServerSocket remote = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Component component = agent.createComponent(agent.createMediaStream("bundle"),
                    KeepAliveStrategy.SELECTED_ONLY, true);
            int opened = new IceTcpActive("127.0.0.1", IceTcpActive.CONNECT_TIMEOUT).connect(component, List.of(
                    "candidate:1 1 tcp 1518280447 127.0.0.1 " + refusedPort + " typ host tcptype passive",
                    "candidate:2 1 TCP 1015022591 127.0.0.1 9 typ host tcptype active",
                    "candidate:3 1 udp 2130706431 127.0.0.1 " + remote.getLocalPort() + " typ host",
                    "candidate:4 1 TCP 1010828287 127.0.0.1 " + remote.getLocalPort() + " typ host tcptype passive"));
            assertThat(opened).isEqualTo(1);
            try (Socket accepted = remote.accept()) {
                // the agent's own host harvest added UDP (and a TCP host) candidates; the active one is ours
                assertThat(component.getLocalCandidates()).filteredOn(c -> c.getTcpType() == CandidateTcpType.ACTIVE)
                        .singleElement().satisfies(c -> {
                    assertThat(c.getTcpType()).isEqualTo(CandidateTcpType.ACTIVE);
                    assertThat(c.getTransportAddress().getPort()).isEqualTo(accepted.getPort());
                    assertThat(c.getTransport()).isEqualTo(Transport.TCP);
                });
                assertThat(component.getRemoteCandidates()).singleElement().satisfies(c -> {
                    assertThat(c.getTcpType()).isEqualTo(CandidateTcpType.PASSIVE);
                    assertThat(c.getTransportAddress().getPort()).isEqualTo(remote.getLocalPort());
                });
            }
        } finally {
            agent.free();
        }
        assertThat(sessionThreads()).isZero();
    }

    /**
     * A passive TCP candidate that neither accepts nor refuses (a listener whose accept queue is full drops the
     * SYN): beside a UDP candidate the checks wait for it at most BUDGET_WITH_UDP, not the connect timeout, and
     * the connect given up leaves no thread.
     */
    @Test
    void aSilentTcpCandidateHoldsBackARemoteThatOffersUdpOnlyBriefly() throws Exception {
        Agent agent = new Agent();
        List<Socket> queued = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // fill the accept queue: the kernel then drops further SYNs, so a connect neither succeeds nor fails
            for (int i = 0; i < 3; i++) {
                Socket q = new Socket();
                try {
                    q.connect(silent.getLocalSocketAddress(), 200);
                    queued.add(q);
                } catch (java.io.IOException full) {
                    q.close();
                    break;
                }
            }
            Component component = agent.createComponent(agent.createMediaStream("bundle"),
                    KeepAliveStrategy.SELECTED_ONLY, true);
            String tcp = "candidate:4 1 TCP 1010828287 127.0.0.1 " + silent.getLocalPort() + " typ host tcptype passive";
            String udp = "candidate:3 1 udp 2130706431 127.0.0.1 40000 typ host";
            assertThat(IceTcpActive.offersUdp(List.of(tcp, udp))).isTrue();
            assertThat(IceTcpActive.offersUdp(List.of(tcp))).isFalse();
            long t0 = System.nanoTime();
            // a connect timeout far longer than the budget, so that the bound below tells them apart on any machine
            int opened = new IceTcpActive("127.0.0.1", java.time.Duration.ofSeconds(60)).connect(component,
                    List.of(tcp, udp));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(opened).isZero();
            // BUDGET_WITH_UDP (500 ms) plus the scheduling of a loaded machine, far short of the 60 s timeout
            assertThat(tookMs).as("ms held back").isBetween(IceTcpActive.BUDGET_WITH_UDP.toMillis() - 50, 20_000L);
        } finally {
            for (Socket q : queued) {
                q.close();
            }
            agent.free();
        }
        assertThat(sessionThreads()).isZero();
    }

    private static long sessionThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("sluice-webrtc") && !n.startsWith("sluice-webrtc-tcp-accept")).count();
    }
}
