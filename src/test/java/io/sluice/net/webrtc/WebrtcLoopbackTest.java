package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A server transport on a WebrtcUdpMux and a client transport, both on 127.0.0.1, connected without SDP. */
@Timeout(60)
class WebrtcLoopbackTest {
    private static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate();
    private static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate();
    private static WebrtcUdpMux mux;

    @BeforeAll
    static void bind() throws Exception {
        mux = new WebrtcUdpMux("127.0.0.1:0", List.of());
        mux.start();
    }

    @AfterAll
    static void unbind() {
        mux.close();
    }

    /** A connected server/client pair. */
    record Pair(WebrtcTransport server, RecordingListener s, WebrtcTransport client, RecordingListener c) {
        void close() {
            client.close();
            server.close();
        }
    }

    static Pair connect(String clientSeesServerFingerprint) {
        RecordingListener s = new RecordingListener();
        RecordingListener c = new RecordingListener();
        WebrtcTransport server = WebrtcTransport.forServer(mux, SERVER_CERT, s);
        WebrtcTransport client = WebrtcTransport.forClient(CLIENT_CERT, List.of(), "127.0.0.1", c);
        assertThat(server.localCandidates()).anyMatch(x -> x.contains(" 127.0.0.1 " + mux.port() + " typ host"));
        // the client offers actpass, the server answers passive: the client is the DTLS client
        server.start(client.localUfrag(), client.localPwd(), client.localFingerprint(), "actpass", List.of());
        client.start(server.localUfrag(), server.localPwd(), clientSeesServerFingerprint, "passive",
                server.localCandidates());
        return new Pair(server, s, client, c);
    }

    @Test
    void exchangesRtpAndRtcpBothWays() throws Exception {
        long t0 = System.nanoTime();
        Pair p = connect(serverFingerprint());
        try {
            p.s.connected.get(15, TimeUnit.SECONDS);
            p.c.connected.get(15, TimeUnit.SECONDS);
            System.out.printf("loopback connect %.0f ms, pair %s%n", (System.nanoTime() - t0) / 1e6,
                    p.client.selectedPair());
            assertThat(p.server.state()).isEqualTo("ready");
            assertThat(p.client.selectedPair())
                    .matches("127\\.0\\.0\\.1:\\d+ <-> 127\\.0\\.0\\.1:" + mux.port() + " udp");
            // the API's view: each side's local candidate is the other's remote one
            IcePair client = p.client.icePair();
            IcePair server = p.server.icePair();
            assertThat(client.transport()).isEqualTo("udp");
            assertThat(client.remoteCandidate()).isEqualTo("127.0.0.1:" + mux.port());
            assertThat(server).isEqualTo(new IcePair("udp", client.remoteCandidate(), client.localCandidate()));
            List<byte[]> toServer = new ArrayList<>();
            List<byte[]> toClient = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                toServer.add(sendRtp(p.client, 0x11111111, i));
                toClient.add(sendRtp(p.server, 0x22222222, i));
                if (i % 10 == 0) {
                    toServer.add(sendRtcp(p.client, 0x11111111, i));
                    toClient.add(sendRtcp(p.server, 0x22222222, i));
                }
                Thread.sleep(1);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((p.s.rtp.size() < 200 || p.c.rtp.size() < 200 || p.s.rtcp.size() < 20 || p.c.rtcp.size() < 20)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertArrived(toServer, p.s);
            assertArrived(toClient, p.c);
            assertThat(p.server.decryptErrors()).isZero();
            assertThat(p.client.packetsSent()).isEqualTo(220);
        } finally {
            // the client first, and the server only once it has seen the client's close_notify: closing
            // both at once races the alert on a loaded machine and the server then reports a local close
            p.client.close();
            try {
                p.s.closed.get(5, TimeUnit.SECONDS);
            } finally {
                p.server.close();
            }
        }
        assertThat(p.c.closed.get(5, TimeUnit.SECONDS)).isNull();
        // the client closed first and sent close_notify: the server learnt it from the peer
        assertThat(p.s.closed.get(5, TimeUnit.SECONDS)).hasMessageContaining("close_notify");
        assertThat(p.s.closedCalls).isEqualTo(1);
        assertThat(p.c.closedCalls).isEqualTo(1);
        assertThat(p.client.state()).isEqualTo("closed");
        assertNoThreads();
    }

    @Test
    void twoSessionsShareTheMux() throws Exception {
        Pair a = connect(serverFingerprint());
        Pair b = connect(serverFingerprint());
        try {
            a.s.connected.get(15, TimeUnit.SECONDS);
            b.s.connected.get(15, TimeUnit.SECONDS);
            a.c.connected.get(15, TimeUnit.SECONDS);
            b.c.connected.get(15, TimeUnit.SECONDS);
            for (int i = 0; i < 50; i++) {
                sendRtp(a.client, 0xA, i);
                sendRtp(b.client, 0xB, i);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((a.s.rtp.size() < 48 || b.s.rtp.size() < 48) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(a.s.rtp).hasSizeGreaterThanOrEqualTo(48).allMatch(x -> ssrc(x) == 0xA);
            assertThat(b.s.rtp).hasSizeGreaterThanOrEqualTo(48).allMatch(x -> ssrc(x) == 0xB);
        } finally {
            a.close();
            b.close();
        }
        assertNoThreads();
    }

    @Test
    void wrongFingerprintClosesWithTheMismatch() throws Exception {
        String wrong = "sha-256 " + DtlsCertificate.generate().fingerprintSha256();
        Pair p = connect(wrong);
        try {
            Throwable cause = p.c.closed.get(20, TimeUnit.SECONDS);
            assertThat(cause).isNotNull();
            assertThat(cause.getMessage()).contains("fingerprint mismatch").contains(wrong.substring(8));
            assertThat(p.client.state()).isEqualTo("failed");
            assertThat(p.s.connected).isNotDone();
            // the server saw the client's alert (wait for it before closing the server: closing it first
            // races the alert on a loaded machine and ends the server as a local close)
            assertThat(p.s.closed.get(5, TimeUnit.SECONDS)).isNotNull();
        } finally {
            p.close();
        }
        assertNoThreads();
    }

    @Test
    void iceFailureClosesWithTheCause() throws Exception {
        RecordingListener c = new RecordingListener();
        WebrtcTransport client = WebrtcTransport.forClient(CLIENT_CERT, List.of(), "127.0.0.1", c);
        try (DatagramSocket deaf = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.start("ufrag", "passwordpasswordpassword", serverFingerprint(), "passive",
                    List.of("candidate:1 1 udp 2130706431 127.0.0.1 " + deaf.getLocalPort() + " typ host"));
            assertThat(c.closed.get(40, TimeUnit.SECONDS)).hasMessageContaining("ICE failed");
            assertThat(client.state()).isEqualTo("failed");
            assertThat(client.sendRtp(Unpooled.wrappedBuffer(new byte[12]))).isFalse();
        } finally {
            client.close();
        }
        assertThat(c.closedCalls).isEqualTo(1);
        assertNoThreads();
    }

    private static String serverFingerprint() {
        return "sha-256 " + SERVER_CERT.fingerprintSha256();
    }

    private static void assertArrived(List<byte[]> sent, RecordingListener got) {
        List<byte[]> all = new ArrayList<>(got.rtp);
        all.addAll(got.rtcp);
        Set<String> received = new java.util.HashSet<>();
        for (byte[] b : all) {
            received.add(java.util.HexFormat.of().formatHex(b));
        }
        long ok = sent.stream().filter(b -> received.contains(java.util.HexFormat.of().formatHex(b))).count();
        assertThat(ok).as("byte-identical packets of %d", sent.size()).isGreaterThanOrEqualTo(sent.size() * 95L / 100);
    }

    static byte[] sendRtp(WebrtcTransport t, int ssrc, int seq) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt(ssrc);
        for (int i = 0; i < 100 + seq % 50; i++) {
            b.writeByte(seq + i);
        }
        byte[] copy = io.netty.buffer.ByteBufUtil.getBytes(b);
        try {
            assertThat(t.sendRtp(b)).isTrue();
        } finally {
            b.release();
        }
        return copy;
    }

    static byte[] sendRtcp(WebrtcTransport t, int ssrc, int n) {
        ByteBuf b = Unpooled.buffer();
        // a receiver report with no blocks, then an SDES with one CNAME: a minimal compound packet
        b.writeByte(0x80).writeByte(201).writeShort(1).writeInt(ssrc);
        b.writeByte(0x81).writeByte(202).writeShort(3).writeInt(ssrc).writeByte(1).writeByte(4)
                .writeBytes(new byte[] {'s', 'l', (byte) n, 0}).writeShort(0);
        byte[] copy = io.netty.buffer.ByteBufUtil.getBytes(b);
        try {
            assertThat(t.sendRtcp(b)).isTrue();
        } finally {
            b.release();
        }
        return copy;
    }

    static int ssrc(byte[] rtp) {
        return java.nio.ByteBuffer.wrap(rtp, 8, 4).getInt();
    }

    static void assertNoThreads() throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline && liveSluiceThreads() > 0) {
            Thread.sleep(20);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sluice-webrtc"));
    }

    private static long liveSluiceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("sluice-webrtc"))
                .count();
    }
}
