package io.sluice.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;

/**
 * RawRtmp is a bare TCP client for the RTMP port, for bytes no real peer sends: garbage, a handshake
 * cut short, a chunk announcing a message larger than any server should buffer. It is the test's own
 * client, not a peer under test.
 */
final class RawRtmp implements AutoCloseable {
    /** RTMP handshake: C1/S1/C2/S2 are 1536 bytes (RTMP spec 5.2). */
    static final int HANDSHAKE_SIZE = 1536;

    private final Socket socket;
    private final InputStream in;
    private final Random random = new Random(42);

    RawRtmp(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    byte[] random(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Stops sending (FIN) but keeps reading, like a peer that dies half way. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * A plain (digest-less) handshake: C0+C1, reads S0+S1+S2, sends C2 = S1. Servers must accept it
     * (librtmp-style clients send it; the digest scheme is Flash Player's).
     */
    void handshake() throws IOException {
        byte[] c01 = new byte[1 + HANDSHAKE_SIZE];
        c01[0] = 3;
        System.arraycopy(random(HANDSHAKE_SIZE - 8), 0, c01, 9, HANDSHAKE_SIZE - 8); // time=0, zero=0
        send(c01);
        byte[] s012 = in.readNBytes(1 + 2 * HANDSHAKE_SIZE);
        if (s012.length != 1 + 2 * HANDSHAKE_SIZE || s012[0] != 3) {
            throw new IOException("bad S0/S1/S2: " + s012.length + " bytes, version " + (s012.length > 0 ? s012[0] : -1));
        }
        byte[] c2 = new byte[HANDSHAKE_SIZE];
        System.arraycopy(s012, 1, c2, 0, HANDSHAKE_SIZE);
        send(c2);
    }

    /**
     * Whether the server closes the connection within {@code max}: reads (and discards) until EOF or
     * reset. False when the connection is still open at the deadline.
     */
    boolean closedByServerWithin(Duration max) throws IOException {
        long deadline = System.nanoTime() + max.toNanos();
        byte[] buf = new byte[8192];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // still open: keep waiting until the deadline
            } catch (SocketException e) {
                return true; // reset by the server
            }
        }
        return false;
    }

    /**
     * Sends {@code bytes} in 64 KiB writes until all are sent or the server closes the connection.
     *
     * @return whether the server closed (or reset) the connection while we were sending
     */
    boolean sendUntilClosed(byte[] bytes) {
        try {
            for (int off = 0; off < bytes.length; off += 65536) {
                socket.getOutputStream().write(bytes, off, Math.min(65536, bytes.length - off));
            }
            socket.getOutputStream().flush();
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
