package io.sluice.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.sluice.conf.LimitsConf;
import io.sluice.net.Refusals.Cause;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * ConnectionLimiter is one TCP listener's bound on what clients can make it hold: at most
 * {@code maxConnections} open connections, at most {@code maxConnectionsPerIP} from one client address, and
 * a deadline ({@code handshakeTimeout}) for each new connection's handshake and first complete request
 * (or, for HTTP, for every request from its first byte), so a slow client (slowloris) cannot hold a
 * connection without ever completing a request.
 *
 * <p>How a listener installs it: build one limiter per listening socket, then, as the first line of the
 * child {@code ChannelInitializer#initChannel}, call {@link #install(Channel)} (before any TLS handler, so a
 * refused connection costs no handshake); the protocol handler calls {@link #passed(ChannelPipeline)} when
 * the handshake and a complete request (RTMP: publish/play accepted; RTSP and HTTP: a whole request decoded)
 * are in. The limits are read at every accept, so a reload applies to the next connection.
 *
 * <p>Thread-safe: counts are updated from every event loop; the per-address map changes atomically per key.
 */
public final class ConnectionLimiter {

    /** When the handshake deadline applies. */
    public enum Deadline {
        /** From accept to the first {@link #passed}; after that the protocol's own timeouts apply (RTSP, RTMP). */
        FIRST_REQUEST,
        /** From accept to the first {@link #passed}, then from the first byte of each next request (HTTP keep-alive). */
        EACH_REQUEST
    }

    /** What a refused connection is told before it is closed; {@link #CLOSE} says nothing. */
    public record Refusal(byte[] bytes) {
        /** Close without a word: RTMP has no refusal before its handshake, and TLS listeners have not handshaken yet. */
        public static final Refusal CLOSE = new Refusal(new byte[0]);
        /** An HTTP/1.1 503 that closes the connection. */
        public static final Refusal HTTP_503 = text("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 22\r\nConnection: close\r\n\r\ntoo many connections\r\n");
        /** An RTSP 503 before any request was read, hence CSeq 0. */
        public static final Refusal RTSP_503 = text("RTSP/1.0 503 Service Unavailable\r\nCSeq: 0\r\nServer: Sluice\r\n"
                + "Connection: close\r\nContent-Length: 22\r\n\r\ntoo many connections\r\n");

        private static Refusal text(String s) {
            return new Refusal(s.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private final String protocol;
    private final Supplier<LimitsConf> limits;
    private final Refusals refusals;
    private final Refusal refusal;
    private final Deadline deadline;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    /**
     * @param protocol the listener's metric label ("rtsp", "rtmps", "api", ...)
     * @param limits the limits in force, read at every accept (a reload may replace them)
     * @param refusals where refusals are counted and logged
     * @param refusal what a connection over a limit is told before it is closed
     * @param deadline when the handshake deadline applies
     */
    public ConnectionLimiter(String protocol, Supplier<LimitsConf> limits, Refusals refusals, Refusal refusal,
            Deadline deadline) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        this.refusal = Objects.requireNonNull(refusal, "refusal");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    /**
     * A limiter like this one that answers refusals with {@code other} (a TLS listener closes: a plain-text
     * reply means nothing to a TLS client). Its counts start at zero: use it before the listener accepts.
     */
    public ConnectionLimiter withRefusal(Refusal other) {
        return new ConnectionLimiter(protocol, limits, refusals, other, deadline);
    }

    /** Adds the guard first in a new connection's pipeline; call first in {@code initChannel}. */
    public void install(Channel ch) {
        ch.pipeline().addFirst(ConnectionGuard.NAME, new ConnectionGuard(this));
    }

    /**
     * Tells the connection's guard that its handshake and a complete request are in: the deadline stops
     * (for {@link Deadline#EACH_REQUEST}, until the next request's first byte). Call on the channel's event
     * loop; a pipeline without a guard (a unit test's) is left alone.
     */
    public static void passed(ChannelPipeline pipeline) {
        if (pipeline.get(ConnectionGuard.NAME) instanceof ConnectionGuard g) {
            g.passed();
        }
    }

    /** The limits in force now. */
    public LimitsConf limits() {
        return limits.get();
    }

    /** The listener's protocol label. */
    public String protocol() {
        return protocol;
    }

    /** Counts and logs one refusal of this listener's protocol. */
    public void refuse(Cause cause, SocketAddress remote, String detail) {
        refusals.refuse(protocol, cause, text(remote), detail);
    }

    /** Connections open now (accepted and not yet closed). */
    public int open() {
        return open.get();
    }

    /** Connections open now from one address. */
    public int open(InetAddress address) {
        return perAddress.getOrDefault(address, 0);
    }

    Refusal refusal() {
        return refusal;
    }

    Deadline deadline() {
        return deadline;
    }

    /**
     * Takes one connection slot for {@code address}, or returns the limit that refuses it (and takes nothing).
     * Every successful acquire must be matched by one {@link #release}.
     */
    public Cause acquire(InetAddress address) {
        LimitsConf l = limits.get();
        int n = open.incrementAndGet();
        if (l.maxConnections() > 0 && n > l.maxConnections()) {
            open.decrementAndGet();
            return Cause.LISTENER_CONNECTIONS;
        }
        int max = l.maxConnectionsPerIP();
        boolean[] refused = new boolean[1];
        perAddress.compute(address, (k, v) -> {
            int c = v == null ? 0 : v;
            if (max > 0 && c >= max) {
                refused[0] = true;
                return v;
            }
            return c + 1;
        });
        if (refused[0]) {
            open.decrementAndGet();
            return Cause.IP_CONNECTIONS;
        }
        return null;
    }

    /**
     * The limit that would refuse one more connection from {@code address} now, or null; takes nothing.
     * For accept paths that decide before the connection exists (SRT's handshake callback).
     */
    public Cause check(InetAddress address) {
        LimitsConf l = limits.get();
        if (l.maxConnections() > 0 && open.get() >= l.maxConnections()) {
            return Cause.LISTENER_CONNECTIONS;
        }
        if (l.maxConnectionsPerIP() > 0 && open(address) >= l.maxConnectionsPerIP()) {
            return Cause.IP_CONNECTIONS;
        }
        return null;
    }

    /** The log detail of a connection refusal. */
    public String detail(Cause cause) {
        return cause == Cause.IP_CONNECTIONS
                ? "client address already holds " + limits().maxConnectionsPerIP() + " connections (maxConnectionsPerIP)"
                : "listener already holds " + limits().maxConnections() + " connections (maxConnections)";
    }

    /** Gives back a slot taken by {@link #acquire}. */
    public void release(InetAddress address) {
        perAddress.computeIfPresent(address, (k, v) -> v <= 1 ? null : v - 1);
        open.decrementAndGet();
    }

    static String text(SocketAddress a) {
        if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
            String ip = isa.getAddress().getHostAddress();
            return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + isa.getPort();
        }
        return String.valueOf(a);
    }
}
