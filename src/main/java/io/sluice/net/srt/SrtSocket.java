package io.sluice.net.srt;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SrtSocket is one connected SRT socket in live mode: messages of up to {@link #LIVE_PAYLOAD}
 * bytes, sent without blocking and received with a timeout.
 *
 * <p>Threads: {@link #send} is called by one thread at a time and {@link #receive} by one thread
 * at a time (they may be two different threads: each has its own native buffer). {@link #close},
 * {@link #stats}, {@link #isBroken} may be called from any thread. {@code receive} blocks inside
 * libsrt, which pins a virtual thread to its carrier: receive on a platform thread.
 *
 * <p>Native buffers belong to an automatic arena, freed by the GC once this object is unreachable,
 * never by {@code close()}: another thread may still be inside srt_recvmsg with them when close runs.
 */
public final class SrtSocket implements AutoCloseable {
    /** SRT_LIVE_DEF_PLSIZE: 7 MPEG-TS packets, the default (and here the largest) message to send. */
    public static final int LIVE_PAYLOAD = 1316;
    /** SRT_LIVE_MAX_PLSIZE: the largest message a peer may send in live mode; receive buffers must hold it. */
    public static final int MAX_PAYLOAD = 1456;

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
        Srt.opened();
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
        return connect(remote, o, abort -> { });
    }

    /**
     * Like {@link #connect(InetSocketAddress, SrtOptions)}, but first hands {@code abortable} an action that,
     * run from another thread, closes the socket being connected, so the blocking srt_connect returns at once
     * (with an error) instead of after the connect timeout: the owner's close() must not leave a thread behind.
     */
    public static SrtSocket connect(InetSocketAddress remote, SrtOptions o,
            java.util.function.Consumer<Runnable> abortable) throws SrtException {
        Srt.require();
        int u = SrtNative.createSocket();
        if (u == SrtNative.SRT_ERROR) {
            throw SrtException.last("srt_create_socket");
        }
        abortable.accept(() -> SrtNative.close(u)); // a second srt_close of the id only returns an error
        boolean ok = false;
        try (Arena a = Arena.ofConfined()) {
            SrtSockOpt.apply(u, o, true);
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
                SrtNative.close(u);
            }
        }
    }

    private static SrtException connectFailed(int u, InetSocketAddress remote, SrtOptions o) {
        SrtNative.LastError e = SrtNative.lastError();
        int reason = SrtNative.getRejectReason(u);
        String what = "SRT connect to " + remote.getAddress().getHostAddress() + ":" + remote.getPort() + ": ";
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
            if (closed.get() || SrtNative.bstats(id, statsBuf, clear) == SrtNative.SRT_ERROR) {
                return SrtStats.ZERO;
            }
            return SrtPerfMon.read(statsBuf);
        }
    }

    /** Whether the connection is gone: closed here, by the peer, or timed out. */
    public boolean isBroken() {
        return closed.get() || SrtNative.sockState(id) >= SrtNative.SRTS_BROKEN;
    }

    /** Closes the socket (srt_close), which also wakes a thread blocked in {@link #receive}. Idempotent, any thread. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            SrtNative.close(id);
            Srt.closed();
        }
    }

    @Override
    public String toString() {
        return "SrtSocket[" + id + " peer=" + peer + "]";
    }
}
