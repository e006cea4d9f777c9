package io.sluice.net.srt;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * SrtSocket is one connected SRT socket in live mode: messages of up to {@link #LIVE_PAYLOAD}
 * bytes, sent without blocking and received with a timeout.
 *
 * <p>Threads: {@link #send} is called by one thread at a time and {@link #receive} by one thread
 * at a time (they may be two different threads: each has its own native buffer). {@link #close},
 * {@link #stats}, {@link #isBroken} may be called from any thread. {@code receive} blocks inside
 * libsrt, which pins a virtual thread to its carrier: receive on a platform thread.
 *
 * <p>Ownership while connecting: {@link #connect} creates the libsrt socket and only the thread
 * running it may close it, after {@code srt_connect} returned. libsrt 1.5 does not make
 * {@code srt_close} concurrent with a blocking {@code srt_connect} safe (the connect may even
 * report success on the closed socket, Haivision/srt#3289), so a caller that wants to give up
 * passes a cancel check instead: the connect runs in slices of at most {@link #CONNECT_SLICE_MS}
 * and checks it between them. Once connected, the socket may be closed by any thread: libsrt
 * documents that a close wakes a concurrent receive or send with an error, and keeps the closed
 * socket's memory for a second for such callers; {@link SrtCalls} makes sure {@code srt_cleanup}
 * never cuts that short.
 *
 * <p>Native buffers belong to an automatic arena, freed by the GC once this object is unreachable,
 * never by {@code close()}: another thread may still be inside srt_recvmsg with them when close
 * runs, and a segment passed to a downcall stays alive until the call returns.
 */
public final class SrtSocket implements AutoCloseable {
    /** SRT_LIVE_DEF_PLSIZE: 7 MPEG-TS packets, the default (and here the largest) message to send. */
    public static final int LIVE_PAYLOAD = 1316;
    /** SRT_LIVE_MAX_PLSIZE: the largest message a peer may send in live mode; receive buffers must hold it. */
    public static final int MAX_PAYLOAD = 1456;
    /**
     * Longest single srt_connect: libsrt's own default connect timeout (SRTO_CONNTIMEO, 3 s), so
     * any link that handshakes with libsrt's defaults handshakes here. Bounds how long a cancelled
     * connect, or the shutdown waiting for it, waits.
     */
    public static final int CONNECT_SLICE_MS = 3000;

    private final int id;
    private final String streamId;
    private final InetSocketAddress peer;
    private final MemorySegment sendBuf;
    private final ByteBuffer sendView;
    private final MemorySegment recvBuf;
    private final MemorySegment statsBuf;
    /** Guards statsBuf (segments are value-based objects, not to be locked on themselves). */
    private final Object statsLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();

    SrtSocket(int id, String streamId, InetSocketAddress peer) {
        this.id = id;
        this.streamId = streamId;
        this.peer = peer;
        SrtCalls.opened(id, SrtCalls.Kind.CONNECTED);
        Arena arena = Arena.ofAuto();
        this.sendBuf = arena.allocate(LIVE_PAYLOAD);
        this.sendView = sendBuf.asByteBuffer();
        this.recvBuf = arena.allocate(MAX_PAYLOAD);
        this.statsBuf = arena.allocate(SrtPerfMon.ALLOC_SIZE, 8);
    }

    /**
     * Connects as a caller in live mode, blocking until the handshake completes, is refused, or
     * {@link SrtOptions#connectTimeoutMs()} passes.
     *
     * @throws SrtException naming the reject reason when refused, e.g. "rejected: BADSECRET wrong passphrase"
     *                      or "rejected by the listener: 1404 not found" ({@link SrtException#rejectReason()})
     */
    public static SrtSocket connect(InetSocketAddress remote, SrtOptions o) throws SrtException {
        return connect(remote, o, () -> false);
    }

    /**
     * Connects like {@link #connect(InetSocketAddress, SrtOptions)}, giving up early once
     * {@code cancelled} says so: it is checked between connect slices, so within
     * {@link #CONNECT_SLICE_MS}. A listener that answers at all answers within one slice; only a
     * silent one costs several, each a fresh socket (a timed-out libsrt socket cannot connect again).
     *
     * @throws SrtException also when cancelled ("cancelled"); the socket is then already closed
     */
    public static SrtSocket connect(InetSocketAddress remote, SrtOptions o, BooleanSupplier cancelled)
            throws SrtException {
        long deadline = System.nanoTime() + o.connectTimeoutMs() * 1_000_000L;
        while (true) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            boolean last = leftMs <= CONNECT_SLICE_MS;
            try {
                return connectOnce(remote, o, (int) Math.clamp(leftMs, 1, CONNECT_SLICE_MS));
            } catch (SrtException e) {
                if (e.code() != SrtNative.SRT_ENOSERVER || last) {
                    throw e;
                }
            }
            if (cancelled.getAsBoolean()) {
                throw new SrtException(what(remote) + "cancelled", 0, 0);
            }
        }
    }

    /**
     * One srt_connect on a new socket, which this thread owns until it hands over a connected
     * SrtSocket or has closed it.
     */
    private static SrtSocket connectOnce(InetSocketAddress remote, SrtOptions o, int timeoutMs) throws SrtException {
        Srt.require();
        int u = SrtNative.createSocket();
        if (u == SrtNative.SRT_ERROR) {
            throw SrtException.last("srt_create_socket");
        }
        SrtCalls.opened(u, SrtCalls.Kind.NEW);
        boolean ok = false;
        try (Arena a = Arena.ofConfined()) {
            SrtSockOpt.apply(u, o, true);
            SrtSockOpt.setInt(u, SrtNative.SRTO_CONNTIMEO, timeoutMs, "SRTO_CONNTIMEO");
            MemorySegment sa = SrtSockAddr.encode(a, remote);
            if (SrtNative.connect(u, sa, (int) sa.byteSize()) == SrtNative.SRT_ERROR) {
                throw connectFailed(u, remote, o);
            }
            // after the handshake: srt_connect itself must block
            SrtSockOpt.setInt(u, SrtNative.SRTO_SNDSYN, 0, "SRTO_SNDSYN");
            ok = true;
            return new SrtSocket(u, o.streamId(), remote);
        } finally {
            if (!ok) {
                closeQuietly(u);
            }
        }
    }

    /** Closes a socket that no SrtSocket owns yet; after libsrt's shutdown there is nothing left to close. */
    static void closeQuietly(int u) {
        try {
            SrtNative.close(u);
        } catch (SrtException e) {
            // srt_cleanup closed (or will close) it: the ledger refused the call
        } finally {
            SrtCalls.closed(u);
        }
    }

    private static String what(InetSocketAddress remote) {
        return "SRT connect to " + remote.getAddress().getHostAddress() + ":" + remote.getPort() + ": ";
    }

    private static SrtException connectFailed(int u, InetSocketAddress remote, SrtOptions o) {
        SrtNative.LastError e = SrtNative.lastError();
        int reason;
        try {
            reason = SrtNative.getRejectReason(u);
        } catch (SrtException shutDown) {
            return shutDown;
        }
        String what = what(remote);
        String why = switch (e.code()) {
            case SrtNative.SRT_ENOSERVER -> "no answer within " + o.connectTimeoutMs() + " ms";
            case SrtNative.SRT_ECONNREJ -> SrtReject.describe(reason);
            default -> e.text() + " (SRT error " + e.code() + ")";
        };
        return new SrtException(what + why, e.code(), reason);
    }

    /**
     * Queues one message without blocking. Does not change {@code data}'s indexes; a direct buffer
     * with a memory address is handed to libsrt as is, anything else is copied first.
     *
     * @return {@code length} when queued, 0 when libsrt's send buffer is full (the message is not sent)
     * @throws SrtException when the connection is broken or the socket closed
     */
    public int send(ByteBuf data, int index, int length) throws SrtException {
        if (length <= 0 || length > LIVE_PAYLOAD) {
            throw new IllegalArgumentException("SRT live message must be 1 to " + LIVE_PAYLOAD + " bytes, got " + length);
        }
        Objects.checkFromIndexSize(index, length, data.capacity());
        if (closed.get()) {
            throw new SrtException("SRT send to " + peer + ": socket closed", 0, 0);
        }
        MemorySegment src;
        if (data.hasMemoryAddress()) {
            src = MemorySegment.ofAddress(data.memoryAddress() + index).reinterpret(length);
        } else {
            data.getBytes(index, sendView.clear().limit(length));
            src = sendBuf;
        }
        if (SrtNative.sendMsg(id, src, length) != SrtNative.SRT_ERROR) {
            return length;
        }
        SrtNative.LastError e = SrtNative.lastError();
        if (e.code() == SrtNative.SRT_EASYNCSND && !closed.get()) {
            return 0;
        }
        throw failed("send to", e);
    }

    /**
     * Receives one message, waiting up to {@link #receiveTimeoutMs(int)}.
     *
     * @param buf at least {@link #MAX_PAYLOAD} bytes
     * @return the message length, 0 on timeout
     * @throws SrtException when the connection is broken or the socket closed (also by another thread while waiting)
     */
    public int receive(byte[] buf) throws SrtException {
        if (buf.length < MAX_PAYLOAD) {
            throw new IllegalArgumentException("SRT receive buffer must hold " + MAX_PAYLOAD + " bytes, got "
                    + buf.length);
        }
        if (closed.get()) {
            throw new SrtException("SRT receive from " + peer + ": socket closed", 0, 0);
        }
        int n = SrtNative.recvMsg(id, recvBuf, MAX_PAYLOAD);
        if (n > 0) {
            MemorySegment.copy(recvBuf, JAVA_BYTE, 0, buf, 0, n);
            return n;
        }
        if (n == 0) {
            return 0;
        }
        SrtNative.LastError e = SrtNative.lastError();
        if ((e.code() == SrtNative.SRT_EASYNCRCV || e.code() == SrtNative.SRT_ETIMEOUT) && !closed.get()) {
            return 0;
        }
        throw failed("receive from", e);
    }

    private SrtException failed(String what, SrtNative.LastError e) {
        String why = closed.get() ? "socket closed" : e.text();
        return new SrtException("SRT " + what + " " + peer + ": " + why + " (SRT error " + e.code() + ")", e.code(), 0);
    }

    /** How long {@link #receive} waits (SRTO_RCVTIMEO); -1, the initial value, waits until a message or close. */
    public void receiveTimeoutMs(int ms) {
        if (ms < -1) {
            throw new IllegalArgumentException("SRT receive timeout must be -1 or >= 0 ms, got " + ms);
        }
        try {
            SrtSockOpt.setInt(id, SrtNative.SRTO_RCVTIMEO, ms, "SRTO_RCVTIMEO");
        } catch (SrtException e) {
            // a closed socket has no timeout to set; receive() will report the closed socket itself
            if (!isBroken()) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    /** The stream id: the one the caller sent (accepted sockets) or ours (connected sockets); "" if none. */
    public String streamId() {
        return streamId;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    /** Current counters; {@code clear} restarts libsrt's interval measurements. Zeros once closed; never throws. */
    public SrtStats stats(boolean clear) {
        // one statsBuf per socket, and API/metrics threads may ask concurrently
        synchronized (statsLock) {
            try {
                if (closed.get() || SrtNative.bstats(id, statsBuf, clear) == SrtNative.SRT_ERROR) {
                    return SrtStats.ZERO;
                }
            } catch (SrtException shutDown) {
                return SrtStats.ZERO;
            }
            return SrtPerfMon.read(statsBuf);
        }
    }

    /** Whether the connection is gone: closed here, by the peer, or timed out. */
    public boolean isBroken() {
        try {
            return closed.get() || SrtNative.sockState(id) >= SrtNative.SRTS_BROKEN;
        } catch (SrtException shutDown) {
            return true;
        }
    }

    /** Closes the socket (srt_close), which also wakes a thread blocked in {@link #receive}. Idempotent, any thread. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(id);
        }
    }

    @Override
    public String toString() {
        return "SrtSocket[" + id + " peer=" + peer + "]";
    }
}
