package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared ICE-TCP port against a raw TCP client speaking RFC 4571-framed STUN (RFC 8489) as a browser's
 * active TCP candidate does: the first Binding request's USERNAME picks the session, whichever way its
 * bytes are cut; connections no session takes are closed and leave the others alone.
 */
@Timeout(60)
class WebrtcTcpMuxTest {
    private WebrtcUdpMux udp;
    private WebrtcTcpMux tcp;

    @BeforeEach
    void bind() throws IOException {
        udp = new WebrtcUdpMux("127.0.0.1:0", List.of());
        udp.start();
        tcp = new WebrtcTcpMux("127.0.0.1:0", List.of());
        tcp.start();
    }

    @AfterEach
    void unbind() {
        tcp.close();
        udp.close();
    }

    /** A server session waiting for a client with ufrag "cli{n}". */
    private IceSession session(int n) throws IOException {
        IceSession s = IceSession.server(udp, tcp);
        s.start("cli" + n, "client-password-" + n + "-0123456789", List.of());
        return s;
    }

    @Test
    void answersOfferWithPassiveTcpCandidateBesideUdp() throws IOException {
        IceSession s = session(1);
        try {
            assertThat(s.localCandidates())
                    .anyMatch(c -> c.contains(" udp ") && c.contains(" 127.0.0.1 " + udp.port() + " typ host"))
                    .anyMatch(c -> c.contains(" tcp ") && c.contains(" 127.0.0.1 " + tcp.port() + " typ host")
                            && c.contains(" tcptype passive"));
        } finally {
            s.free();
        }
    }

    @Test
    void twoSessionsOnOnePortEachAnswerTheirOwnClient() throws Exception {
        IceSession a = session(1);
        IceSession b = session(2);
        try (Socket ca = connect(); Socket cb = connect()) {
            byte[] ta = send(ca, a, "cli1", false);
            byte[] tb = send(cb, b, "cli2", false);
            assertSuccess(cb, tb, b.pwd());
            assertSuccess(ca, ta, a.pwd());
        } finally {
            a.free();
            b.free();
        }
    }

    @Test
    void requestCutIntoSingleBytesStillReachesItsSession() throws Exception {
        IceSession a = session(1);
        try (Socket c = connect()) {
            byte[] t = send(c, a, "cli1", true);
            assertSuccess(c, t, a.pwd());
        } finally {
            a.free();
        }
    }

    @Test
    void unknownUfragIsClosedAndCountedAndOthersGoOn() throws Exception {
        IceSession a = session(1);
        try (Socket stranger = connect(); Socket c = connect()) {
            byte[] req = StunRequest.binding("nosuchufrag:cli9", "whatever-password-0123", new byte[12]);
            stranger.getOutputStream().write(frame(req));
            assertClosed(stranger);
            assertThat(tcp.refusedConnections()).isEqualTo(1);
            byte[] t = send(c, a, "cli1", false);
            assertSuccess(c, t, a.pwd());
        } finally {
            a.free();
        }
    }

    @Test
    void garbageOversizeAndNonStunFramesAreClosedAndOthersGoOn() throws Exception {
        IceSession a = session(1);
        try (Socket http = connect(); Socket oversize = connect(); Socket notStun = connect(); Socket silent = connect();
                Socket c = connect()) {
            http.getOutputStream().write("GET /whip HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] big = new byte[65535]; // RFC 4571's largest frame
            oversize.getOutputStream().write(frame(big));
            byte[] dtls = new byte[100]; // a DTLS ClientHello before any STUN
            dtls[0] = 22;
            notStun.getOutputStream().write(frame(dtls));
            assertClosed(http);
            assertClosed(oversize);
            assertClosed(notStun);
            assertThat(tcp.refusedConnections()).isEqualTo(3);
            // a client that connected and never sends holds nothing up
            byte[] t = send(c, a, "cli1", false);
            assertSuccess(c, t, a.pwd());
        } finally {
            a.free();
        }
    }

    @Test
    void silentClientIsClosedAfterTheFirstFrameTimeout() throws Exception {
        try (WebrtcTcpMux quick = new WebrtcTcpMux("127.0.0.1:0", List.of(), Duration.ofMillis(500))) {
            quick.start();
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress("127.0.0.1", quick.port()), 2000);
                c.getOutputStream().write(new byte[] {0, 20, 0, 1}); // a frame begun, never finished
                assertClosed(c);
                assertThat(quick.refusedConnections()).isEqualTo(1);
            }
        }
    }

    @Test
    void sessionThatEndedIsForgotten() throws Exception {
        IceSession a = session(1);
        a.free();
        try (Socket c = connect()) {
            send(c, a, "cli1", false);
            assertClosed(c);
        }
    }

    @Test
    void closeEndsItsThreadsAndFreesThePort() throws Exception {
        int port = tcp.port();
        try (Socket pendingClient = connect()) {
            Thread.sleep(100); // its first-frame reader is waiting
            tcp.close();
            assertThat(muxThreads()).as("sluice-webrtc-tcp threads after close").isZero();
            assertClosed(pendingClient);
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            throw new AssertionError("port " + port + " still accepts after close");
        } catch (ConnectException expected) {
            // refused: closed
        }
    }

    private static long muxThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sluice-webrtc-tcp")).count();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", tcp.port()), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Sends the session's Binding request; returns its transaction id. */
    private static byte[] send(Socket s, IceSession session, String clientUfrag, boolean byteByByte)
            throws IOException, InterruptedException {
        byte[] tid = new byte[12];
        ThreadLocalRandom.current().nextBytes(tid);
        byte[] f = frame(StunRequest.binding(session.ufrag() + ":" + clientUfrag, session.pwd(), tid));
        OutputStream out = s.getOutputStream();
        if (byteByByte) {
            s.setTcpNoDelay(true);
            for (byte x : f) {
                out.write(x);
                out.flush();
                Thread.sleep(2);
            }
        } else {
            out.write(f);
        }
        return tid;
    }

    /**
     * The next frame that is not a Binding request is a Binding success response to {@code tid}, signed with the
     * session's password. The session's agent may send its own Binding request (a triggered check, RFC 8445
     * §7.3.1.4) on the new connection before or after its response: those are skipped.
     */
    private static void assertSuccess(Socket s, byte[] tid, String pwd) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] m = new byte[0];
        for (int i = 0; i < 8; i++) {
            m = new byte[in.readUnsignedShort()];
            in.readFully(m);
            if (m.length < 2 || (ByteBuffer.wrap(m).getShort() & 0xffff) != 0x0001) {
                break;
            }
        }
        ByteBuffer b = ByteBuffer.wrap(m);
        assertThat(b.getShort() & 0xffff).as("STUN Binding success response").isEqualTo(0x0101);
        assertThat(Arrays.copyOfRange(m, 8, 20)).as("transaction id").isEqualTo(tid);
        assertThat(StunRequest.integrityOk(m, pwd)).as("MESSAGE-INTEGRITY with the session's password").isTrue();
    }

    private static void assertClosed(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        try {
            int r = s.getInputStream().read();
            assertThat(r).as("the server closes the connection").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("not closed within 10 s", e);
        } catch (IOException e) {
            if (!(e instanceof EOFException) && !String.valueOf(e.getMessage()).contains("reset")) {
                throw e;
            }
        }
    }

    static byte[] frame(byte[] m) {
        byte[] f = new byte[m.length + 2];
        f[0] = (byte) (m.length >> 8);
        f[1] = (byte) m.length;
        System.arraycopy(m, 0, f, 2, m.length);
        return f;
    }

    /** A minimal RFC 8489 encoder for the ICE Binding request a browser sends (RFC 8445 §7.1.2). */
    static final class StunRequest {
        private static final int MAGIC = 0x2112A442;

        static byte[] binding(String username, String pwd, byte[] tid) {
            byte[] user = username.getBytes(StandardCharsets.UTF_8);
            int userLen = (user.length + 3) & ~3;
            ByteBuffer b = ByteBuffer.allocate(20 + 4 + userLen + 8 + 12 + 24 + 8);
            b.putShort((short) 0x0001).putShort((short) 0).putInt(MAGIC).put(tid);
            b.putShort((short) 0x0006).putShort((short) user.length).put(user).put(new byte[userLen - user.length]);
            b.putShort((short) 0x0024).putShort((short) 4).putInt(0x6e7f00ff); // PRIORITY
            b.putShort((short) 0x802A).putShort((short) 8).putLong(ThreadLocalRandom.current().nextLong()); // CONTROLLING
            int mi = b.position();
            b.putShort(2, (short) (mi - 20 + 24));
            byte[] hmac = hmac(Arrays.copyOf(b.array(), mi), pwd);
            b.putShort((short) 0x0008).putShort((short) 20).put(hmac);
            int fp = b.position();
            b.putShort(2, (short) (fp - 20 + 8));
            CRC32 crc = new CRC32();
            crc.update(b.array(), 0, fp);
            b.putShort((short) 0x8028).putShort((short) 4).putInt((int) crc.getValue() ^ 0x5354554e);
            return b.array();
        }

        /** Whether the message's MESSAGE-INTEGRITY is right for {@code pwd}. */
        static boolean integrityOk(byte[] m, String pwd) {
            ByteBuffer b = ByteBuffer.wrap(m);
            int pos = 20;
            while (pos + 4 <= m.length) {
                int type = b.getShort(pos) & 0xffff;
                int len = b.getShort(pos + 2) & 0xffff;
                if (type == 0x0008) {
                    byte[] head = Arrays.copyOf(m, pos);
                    ByteBuffer.wrap(head).putShort(2, (short) (pos - 20 + 24));
                    return Arrays.equals(hmac(head, pwd), Arrays.copyOfRange(m, pos + 4, pos + 24));
                }
                pos += 4 + ((len + 3) & ~3);
            }
            return false;
        }

        private static byte[] hmac(byte[] data, String pwd) {
            try {
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec(pwd.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
                return mac.doFinal(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
