package io.sluice.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ImpairedUdpRelay is a userspace impairment box between Sluice and one UDP peer: datagrams that reach its
 * {@link #port()} go on to the peer from a second socket, and the peer's replies come back to whoever sent
 * last. On the way to the peer, RTP and RTCP (first byte 0x80..0xbf, RFC 7983) can be dropped at random
 * ({@link #dropPercent}) and/or policed to a rate ({@link #capKbps}, a token bucket of 50 ms: what exceeds
 * it is dropped, as a bottleneck with a short queue would); STUN and DTLS always pass, so ICE and the
 * handshake are never the thing under test. The way back is never impaired. A fixed seed keeps the drops
 * the same from run to run.
 *
 * <p>Threads: two platform threads, one per direction, ended by {@link #close()}.
 */
final class ImpairedUdpRelay implements AutoCloseable {
    private final DatagramSocket front;
    private final DatagramSocket back;
    private final SocketAddress peer;
    private final Thread forward;
    private final Thread backward;
    private final SplittableRandom random = new SplittableRandom(18);
    private volatile SocketAddress client;
    private volatile double dropPercent;
    private volatile long capKbps;
    private long tokens;
    private long tokensAtNanos = System.nanoTime();
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();

    ImpairedUdpRelay(String peerHost, int peerPort) throws SocketException, java.net.UnknownHostException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        front = new DatagramSocket(new InetSocketAddress(loopback, 0));
        back = new DatagramSocket(new InetSocketAddress(loopback, 0));
        peer = new InetSocketAddress(InetAddress.getByName(peerHost), peerPort);
        forward = Thread.ofPlatform().name("it-relay-fwd-" + front.getLocalPort()).start(this::forwardLoop);
        backward = Thread.ofPlatform().name("it-relay-back-" + front.getLocalPort()).start(this::backwardLoop);
    }

    int port() {
        return front.getLocalPort();
    }

    /** Drops this share of RTP/RTCP on the way to the peer, 0..100. */
    void dropPercent(double percent) {
        dropPercent = percent;
    }

    /** Polices RTP/RTCP on the way to the peer to this rate, 0 = no cap. */
    void capKbps(long kbps) {
        capKbps = kbps;
    }

    private void forwardLoop() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!front.isClosed()) {
            try {
                p.setData(buf);
                front.receive(p);
                client = p.getSocketAddress();
                int b0 = buf[0] & 0xff;
                if (b0 >= 0x80 && b0 <= 0xbf && impaired(p.getLength())) {
                    dropped.incrementAndGet();
                    continue;
                }
                back.send(new DatagramPacket(buf, p.getLength(), peer));
                forwarded.incrementAndGet();
            } catch (IOException e) {
                if (!front.isClosed()) {
                    System.err.println("relay " + port() + " forward: " + e);
                }
            }
        }
    }

    private boolean impaired(int bytes) {
        if (dropPercent > 0 && random.nextDouble() * 100 < dropPercent) {
            return true;
        }
        long cap = capKbps;
        if (cap <= 0) {
            return false;
        }
        long now = System.nanoTime();
        long burst = cap * 1000 / 8 / 20; // 50 ms at the cap, in bytes
        tokens = Math.min(burst, tokens + (now - tokensAtNanos) * cap / 8 / 1_000_000);
        tokensAtNanos = now;
        if (tokens < bytes) {
            return true;
        }
        tokens -= bytes;
        return false;
    }

    private void backwardLoop() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!back.isClosed()) {
            try {
                p.setData(buf);
                back.receive(p);
                SocketAddress c = client;
                if (c != null) {
                    front.send(new DatagramPacket(buf, p.getLength(), c));
                }
            } catch (IOException e) {
                if (!back.isClosed()) {
                    System.err.println("relay " + port() + " back: " + e);
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        front.close();
        back.close();
        forward.join(2000);
        backward.join(2000);
    }
}
