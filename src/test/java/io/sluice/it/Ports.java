package io.sluice.it;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.HashSet;
import java.util.Set;

/**
 * Ports hands out free loopback ports at run time, never the same one twice in a test run.
 *
 * <p>The integration tests run in up to three Failsafe JVMs at once (pom.xml), and a port is picked some
 * seconds before the peer that listens on it binds it, so two JVMs asking the kernel for "any free
 * port" could be handed the same one. Each fork therefore takes its ports from its own range below
 * the kernel's ephemeral range (32768-60999 on Debian), where no outgoing connection of any process
 * lands either: fork N (Failsafe's {@code surefire.forkNumber}, passed as {@code sluice.it.fork})
 * scans [10000 + 7000 (N - 1), 10000 + 7000 N) from a random start (N is 1, 2 or 3: 10000-30999). Without a
 * fork number (a run from an IDE) the kernel picks.
 */
final class Ports {
    private static final Set<Integer> GIVEN = new HashSet<>();
    private static final int RANGE = 7_000;
    private static final int FIRST = 10_000;
    /** First port of this JVM's range, or 0 for "let the kernel pick". */
    private static final int BASE = forkBase(System.getProperty("sluice.it.fork", ""));
    private static int next = BASE + ThreadLocalRandom.current().nextInt(RANGE / 2) * 2;

    private Ports() {
    }

    static int forkBase(String fork) {
        if (!fork.matches("[123]")) {
            return 0;
        }
        return FIRST + RANGE * (Integer.parseInt(fork) - 1);
    }

    /** A port free for TCP and UDP right now. */
    static synchronized int tcp() throws IOException {
        return BASE == 0 ? kernelPick(false) : scan(1);
    }

    /** An even port P with P and P+1 free for UDP (an RTP/RTCP pair) and for TCP. */
    static synchronized int udpPair() throws IOException {
        if (BASE != 0) {
            return scan(2);
        }
        for (int i = 0; i < 200; i++) {
            int p;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                p = s.getLocalPort();
            }
            if (p % 2 != 0 || p > 65000 || GIVEN.contains(p) || GIVEN.contains(p + 1)) {
                continue;
            }
            if (free(p) && free(p + 1)) {
                GIVEN.add(p);
                GIVEN.add(p + 1);
                return p;
            }
        }
        throw new IOException("no free UDP port pair");
    }

    /**
     * The first of {@code count} consecutive ports (even-aligned) free for TCP and UDP, none of which is handed
     * out again: for a peer given a port range (coturn's relay ports). Taking a range's first port alone would
     * let the next ports of the same scan land inside it.
     */
    static synchronized int block(int count) throws IOException {
        if (BASE != 0) {
            return scan(count);
        }
        for (int i = 0; i < 200; i++) {
            int p = udpPair();
            boolean ok = p + count <= 65000;
            for (int k = 2; k < count && ok; k++) {
                ok = !GIVEN.contains(p + k) && free(p + k);
            }
            if (ok) {
                for (int k = 2; k < count; k++) {
                    GIVEN.add(p + k);
                }
                return p;
            }
        }
        throw new IOException("no " + count + " consecutive free ports");
    }

    /** A port free for UDP (an SRT listener) and TCP right now. */
    static synchronized int udp() throws IOException {
        return BASE == 0 ? kernelPick(true) : scan(1);
    }

    private static int kernelPick(boolean udp) throws IOException {
        for (int i = 0; i < 100; i++) {
            int p;
            if (udp) {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                    p = s.getLocalPort();
                }
            } else {
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    p = s.getLocalPort();
                }
            }
            if (GIVEN.add(p)) {
                return p;
            }
        }
        throw new IOException("no free " + (udp ? "UDP" : "TCP") + " port");
    }

    /** The next {@code count} consecutive ports of this fork's range (even-aligned) free for TCP and UDP. */
    private static int scan(int count) throws IOException {
        for (int i = 0; i < RANGE / 2; i++) {
            int p = next;
            next = p + 2 >= BASE + RANGE ? BASE : p + 2;
            boolean ok = true;
            for (int k = 0; k < count && ok; k++) {
                ok = !GIVEN.contains(p + k) && free(p + k);
            }
            if (ok) {
                for (int k = 0; k < count; k++) {
                    GIVEN.add(p + k);
                }
                return p;
            }
        }
        throw new IOException("no free port left in " + BASE + "-" + (BASE + RANGE - 1));
    }

    /** Whether 127.0.0.1:port can be bound for TCP and for UDP right now. */
    private static boolean free(int port) {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (ServerSocket t = new ServerSocket()) {
            t.bind(a, 1);
        } catch (IOException busy) {
            return false;
        }
        try (DatagramSocket u = new DatagramSocket(a)) {
            return true;
        } catch (IOException busy) {
            return false;
        }
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
