package io.sluice.net.srt;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SrtListener is a bound, listening SRT socket in live mode whose {@link Gate} admits or refuses
 * each caller during the handshake, before {@link #accept()} ever sees it.
 *
 * <p>Threads: {@link #accept()} from one thread at a time (it blocks inside libsrt, pinning a
 * virtual thread: use a platform thread); {@link #close()} from any thread: closing the listener is
 * how a thread blocked in srt_accept is woken (libsrt returns an error to it), and what
 * {@link Srt#shutdown} does itself to a listener the application left open, since srt_cleanup must
 * not run while a thread is still inside srt_accept (it would wait for that socket forever).
 */
public final class SrtListener implements AutoCloseable {
    /** Callers waiting in libsrt between a completed handshake and accept(). */
    static final int BACKLOG = 64;

    /**
     * Decides on an incoming caller inside libsrt's listen callback, on libsrt's receiving thread
     * while it holds its locks: it must be fast and must not block or call into this package.
     */
    @FunctionalInterface
    public interface Gate {
        Decision decide(String streamId, InetSocketAddress peer);
    }

    /**
     * A Gate's answer.
     *
     * @param passphrase when accepting: the passphrase this caller must use; "" = the listener's
     *                   own (from its SrtOptions, normally none, i.e. no encryption required)
     * @param rejectCode when refusing: an SRT_REJX_* or user code, &gt;= 1000 (libsrt refuses lower ones)
     */
    /**
     * @param latencyMs the receive latency (TSBPD) to offer this caller, -1 for the listener's own; SRT
     *     settles on the larger of this and what the caller asks for
     */
    public record Decision(boolean accept, int rejectCode, String passphrase, int latencyMs) {
        public Decision {
            Objects.requireNonNull(passphrase, "passphrase");
            if (latencyMs < -1) {
                throw new IllegalArgumentException("SRT latency must be >= 0 ms (or -1), got " + latencyMs);
            }
            if (!accept && rejectCode < SrtReject.FIRST_APPLICATION_CODE) {
                throw new IllegalArgumentException("SRT reject code must be >= "
                        + SrtReject.FIRST_APPLICATION_CODE + ", got " + rejectCode);
            }
            if (accept && !passphrase.isEmpty()) {
                // the same check as SrtOptions, so a bad per-stream secret fails in the Gate's author's test
                SrtOptions.defaults().withPassphrase(passphrase);
            }
        }

        public static Decision accept(String passphrase) {
            return new Decision(true, 0, passphrase, -1);
        }

        /** Accepts with a passphrase ("" for none) and a latency for this caller. */
        public static Decision accept(String passphrase, int latencyMs) {
            return new Decision(true, 0, passphrase, latencyMs);
        }

        /** @param code e.g. {@link SrtReject#NOT_FOUND} */
        public static Decision reject(int code) {
            return new Decision(false, code, "", -1);
        }
    }

    private final int id;
    private final int port;
    private final Gate gate;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SrtListener(int id, int port, Gate gate) {
        this.id = id;
        this.port = port;
        this.gate = gate;
    }

    /**
     * Binds and listens. {@code defaults} apply to every accepted socket (latency, idle timeout,
     * passphrase unless the Gate names one); their stream id and connect timeout are unused.
     *
     * @param local port 0 picks a free port, see {@link #port()}
     */
    public static SrtListener bind(InetSocketAddress local, SrtOptions defaults, Gate gate) throws SrtException {
        Objects.requireNonNull(gate, "gate");
        Srt.require();
        int u = SrtNative.createSocket();
        if (u == SrtNative.SRT_ERROR) {
            throw SrtException.last("srt_create_socket");
        }
        SrtCalls.opened(u, SrtCalls.Kind.LISTENER);
        SrtListener l = null;
        try (Arena a = Arena.ofConfined()) {
            SrtSockOpt.apply(u, defaults, false);
            if (local.getAddress() instanceof Inet6Address ip && ip.isAnyLocalAddress()) {
                // libsrt refuses to bind "::" until told whether IPv4 callers are welcome too
                SrtSockOpt.setInt(u, SrtNative.SRTO_IPV6ONLY, 0, "SRTO_IPV6ONLY");
            }
            MemorySegment sa = SrtSockAddr.encode(a, local);
            if (SrtNative.bind(u, sa, (int) sa.byteSize()) == SrtNative.SRT_ERROR) {
                throw SrtException.last("SRT bind " + local);
            }
            l = new SrtListener(u, boundPort(u, a), gate);
            SrtGateCallback.register(l);
            if (SrtNative.listen(u, BACKLOG) == SrtNative.SRT_ERROR) {
                throw SrtException.last("SRT listen " + local);
            }
            return l;
        } catch (SrtException | RuntimeException e) {
            if (l != null) {
                l.close();
            } else {
                SrtSocket.closeQuietly(u);
            }
            throw e;
        }
    }

    private static int boundPort(int u, Arena a) throws SrtException {
        MemorySegment sa = a.allocate(SrtSockAddr.MAX_LEN);
        MemorySegment len = a.allocateFrom(JAVA_INT, SrtSockAddr.MAX_LEN);
        if (SrtNative.getSockName(u, sa, len) == SrtNative.SRT_ERROR) {
            throw SrtException.last("srt_getsockname");
        }
        return SrtSockAddr.decode(sa).getPort();
    }

    /**
     * Waits for the next caller the Gate admitted.
     *
     * @throws SrtException once the listener is closed (also while waiting)
     */
    public SrtSocket accept() throws SrtException {
        if (closed.get()) {
            throw new SrtException("SRT accept on port " + port + ": listener closed", 0, 0);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = a.allocate(SrtSockAddr.MAX_LEN);
            MemorySegment len = a.allocateFrom(JAVA_INT, SrtSockAddr.MAX_LEN);
            int ns = SrtNative.accept(id, sa, len);
            if (ns == SrtNative.SRT_ERROR) {
                SrtNative.LastError e = SrtNative.lastError();
                String why = closed.get() ? "listener closed" : e.text();
                throw new SrtException("SRT accept on port " + port + ": " + why + " (SRT error " + e.code() + ")",
                        e.code(), 0);
            }
            SrtCalls.opened(ns, SrtCalls.Kind.NEW);
            try {
                SrtSockOpt.setInt(ns, SrtNative.SRTO_SNDSYN, 0, "SRTO_SNDSYN");
                return new SrtSocket(ns, SrtSockOpt.streamId(ns), SrtSockAddr.decode(sa));
            } catch (SrtException | RuntimeException e) {
                SrtSocket.closeQuietly(ns);
                throw e;
            }
        }
    }

    /** The bound UDP port (the chosen one when bound to port 0). */
    public int port() {
        return port;
    }

    int id() {
        return id;
    }

    Gate gate() {
        return gate;
    }

    /** Stops listening and wakes a thread blocked in {@link #accept()}; accepted sockets stay open. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            SrtGateCallback.unregister(this);
            SrtSocket.closeQuietly(id);
        }
    }

    @Override
    public String toString() {
        return "SrtListener[port " + port + "]";
    }
}
