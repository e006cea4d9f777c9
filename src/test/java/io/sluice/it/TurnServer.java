package io.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TurnServer is Debian's coturn ({@code turnserver}) as a test peer: UDP TURN on 127.0.0.1 with a free
 * listening port, long-term credentials {@value #USER}:{@value #PASSWORD} in realm {@value #REALM}, no
 * TLS/DTLS, no CLI, relaying on 127.0.0.1 to loopback peers (coturn refuses 127.0.0.0/8 peers unless told),
 * relay ports from a small range of its own. Bounded in time by {@code timeout}, killed at close.
 *
 * <p>Its verbose log (stdout) is how a test proves media went through it: the allocations, permissions and
 * channel binds it processed, and the per-session "peer usage" (bytes relayed to and from peers) that coturn
 * logs when an allocation ends. {@link #log()} is there for assertion messages.
 */
final class TurnServer implements AutoCloseable {
    static final String USER = "u";
    static final String PASSWORD = "p";
    static final String REALM = "sluice";
    /** Relay ports per server: a few allocations per test. */
    private static final int RELAY_PORTS = 16;
    /** "peer usage: realm=<sluice>, username=<u>, rp=12, rb=3456, sp=7, sb=890" (coturn 4.6). */
    private static final Pattern PEER_USAGE = Pattern.compile("peer usage: .*?rp=(\\d+), rb=(\\d+), sp=(\\d+), sb=(\\d+)");

    private final Peer process;
    private final int port;
    private final int minRelayPort;
    private final Path dir;

    private TurnServer(Peer process, int port, int minRelayPort, Path dir) {
        this.process = process;
        this.port = port;
        this.minRelayPort = minRelayPort;
        this.dir = dir;
    }

    /** Starts coturn for at most {@code max} and waits until it listens. */
    static TurnServer start(Duration max) throws IOException, InterruptedException {
        int port = Ports.udp();
        int relay = Ports.block(RELAY_PORTS);
        Path dir = Files.createTempDirectory("sluice-turn");
        List<String> cmd = List.of("timeout", "-k", "3", Long.toString(max.toSeconds()), "turnserver", "-n",
                "--listening-ip=127.0.0.1", "--listening-port=" + port, "--relay-ip=127.0.0.1",
                "--min-port=" + relay, "--max-port=" + (relay + RELAY_PORTS - 1), "--realm=" + REALM,
                "--user=" + USER + ":" + PASSWORD, "--lt-cred-mech", "--fingerprint", "--no-tls", "--no-dtls",
                "--no-cli", "--no-tcp-relay", "--allow-loopback-peers", "--relay-threads=1",
                "--pidfile=" + dir.resolve("turnserver.pid"), "--userdb=" + dir.resolve("turndb"),
                "--log-file=stdout", "--simple-log", "--verbose", "--no-software-attribute");
        TurnServer t = new TurnServer(Peer.command("turnserver", Map.of(), cmd), port, relay, dir);
        try {
            if (!Ports.awaitUdpBound(port, Duration.ofSeconds(15))) {
                throw new IllegalStateException("coturn did not bind UDP " + port + ":\n" + t.log());
            }
            return t;
        } catch (RuntimeException | IOException | InterruptedException e) {
            t.close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** Sluice's config form of this server. */
    String configUrl() {
        return "turn:" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "?transport=udp";
    }

    /** The URI as a browser or a Link header gives it (credentials separate). */
    String uri() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    /** Whether a port is one of this server's relay ports (a relayed candidate's port). */
    boolean isRelayPort(int p) {
        return p >= minRelayPort && p < minRelayPort + RELAY_PORTS;
    }

    /** How many log lines report a request of this kind ("ALLOCATE", "CREATE_PERMISSION", "CHANNEL_BIND") done. */
    long processed(String request) {
        return process.lines().stream()
                .filter(l -> l.contains("incoming packet " + request + " processed, success")).count();
    }

    /** Bytes relayed between clients and peers, over the allocations that ended so far: rb + sb of "peer usage". */
    long peerBytes() {
        long sum = 0;
        for (String l : process.lines()) {
            Matcher m = PEER_USAGE.matcher(l);
            if (m.find()) {
                sum += Long.parseLong(m.group(2)) + Long.parseLong(m.group(4));
            }
        }
        return sum;
    }

    /**
     * Waits until {@code sessions} TURN sessions have closed, up to {@code max}. coturn logs a session's
     * usage every 4096 packets and the rest when the session closes (after a REFRESH with lifetime 0, on
     * its next timer tick), so {@link #peerBytes()} is complete only then.
     */
    boolean awaitClosed(int sessions, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (process.lines().stream().filter(l -> l.contains("session") && l.contains(" closed ")).count()
                    >= sessions) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** The lines that say what coturn did (sessions, requests, usage), for assertion messages. */
    String log() {
        return String.join("\n", process.lines().stream()
                .filter(l -> l.contains("session") || l.contains("ERROR") || l.contains("usage")).toList());
    }

    /** Kills coturn and removes its directory. */
    @Override
    public void close() {
        process.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            System.err.println("TurnServer: could not remove " + dir + ": " + e);
        }
    }
}
