package io.sluice.it;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.HashSet;
import java.util.Set;

/** Ports hands out free loopback ports at run time, never the same one twice in a test run. */
final class Ports {
    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {
    }

    /** A port free for TCP right now. */
    static synchronized int tcp() throws IOException {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                if (GIVEN.add(p)) {
                    return p;
                }
            }
        }
        throw new IOException("no free TCP port");
    }

    /** An even port P with P and P+1 free for UDP (an RTP/RTCP pair) and for TCP. */
    static synchronized int udpPair() throws IOException {
        for (int i = 0; i < 200; i++) {
            int p;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                p = s.getLocalPort();
            }
            if (p % 2 != 0 || p > 65000 || GIVEN.contains(p) || GIVEN.contains(p + 1)) {
                continue;
            }
            try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
                    DatagramSocket b = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p + 1))) {
                GIVEN.add(p);
                GIVEN.add(p + 1);
                return p;
            } catch (IOException busy) {
                // try another
            }
        }
        throw new IOException("no free UDP port pair");
    }

    /** A port free for UDP right now (an SRT listener). */
    static synchronized int udp() throws IOException {
        for (int i = 0; i < 100; i++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int p = s.getLocalPort();
                if (GIVEN.add(p)) {
                    return p;
                }
            }
        }
        throw new IOException("no free UDP port");
    }

    /** Waits until a UDP socket is bound to {@code port} (an SRT listener), asking {@code ss}. */
    static boolean awaitUdpBound(int port, Duration max) throws IOException, InterruptedException {
        return awaitSocket("-Hlun", port, max);
    }

    /**
     * Waits until something listens on TCP 127.0.0.1:{@code port}. Asks {@code ss}, never connects: a
     * probe connection would use up the single session of an ffmpeg {@code -listen 1} sink.
     */
    static boolean awaitListening(int port, Duration max) throws IOException, InterruptedException {
        return awaitSocket("-Hltn", port, max);
    }

    /** Polls {@code ss FLAGS sport = :PORT} until it lists a socket. */
    private static boolean awaitSocket(String flags, int port, Duration max) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            Process p = new ProcessBuilder("ss", flags, "sport = :" + port).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(5, TimeUnit.SECONDS);
            if (!out.isBlank()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
