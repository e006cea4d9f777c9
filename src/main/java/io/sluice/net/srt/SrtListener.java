package io.sluice.net.srt;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
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
     * The stream id of the listener's own warm-up call ({@link #warmUp}): random per process, so that no
     * caller sends it by chance, and harmless if one did (the callback refuses it).
     */
    static final String WARM_UP_ID = "#!::sluice-warm-up=" + HexFormat.of().formatHex(randomBytes(16));
    private static final int WARM_UP_TIMEOUT_MS = 1000;

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
            l.warmUp(local, defaults);
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

    /**
     * Calls this listener once from the local machine; the listen callback refuses the call after taking
     * the path an accepted caller takes (SrtGateCallback), so nothing reaches accept(). libsrt fixes a session's
     * TSBPD time base while the listener processes the caller's handshake, after the listen callback, so a
     * slow callback delays every packet of that session until libsrt's drift tracer corrects it (~27 s
     * in at a few Mbit/s). The first callback after start runs cold (libsrt's receive thread is attached
     * to the JVM on its first upcall; the upcall and socket-option paths run for the first time): the first
     * session's handshake took 3-8 ms where later ones take 0.5 ms (bench/README "SRT"). This throwaway
     * handshake pays that at bind time instead of the first real caller. A failure only costs the warm-up.
     */
    private void warmUp(InetSocketAddress local, SrtOptions defaults) {
        InetAddress to = local.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : local.getAddress();
        SrtOptions o = new SrtOptions(defaults.latencyMs(), defaults.passphrase(), defaults.pbkeylen(), WARM_UP_ID,
                WARM_UP_TIMEOUT_MS, defaults.peerIdleTimeoutMs());
        long t0 = System.nanoTime();
        try (SrtSocket s = SrtSocket.connect(new InetSocketAddress(to, port), o)) {
            SrtLog.LOG.warn("{}: the warm-up call was accepted; closed it", this);
        } catch (SrtException e) {
            if (e.rejectReason() == SrtReject.WARM_UP) {
                SrtLog.LOG.debug("{}: warm-up handshake took {} µs", this, (System.nanoTime() - t0) / 1000);
            } else {
                SrtLog.LOG.debug("{}: warm-up handshake failed (the first caller may be slower): {}", this,
                        e.getMessage());
            }
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
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
