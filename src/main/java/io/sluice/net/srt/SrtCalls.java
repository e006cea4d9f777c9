package io.sluice.net.srt;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SrtCalls is the ledger that makes {@code srt_cleanup} safe: which sockets libsrt holds for
 * Sluice, and how many of Sluice's threads are inside a libsrt call that uses one.
 *
 * <p>Why: {@code srt_cleanup} (and libsrt's exit-time destructor, which calls it when nobody did)
 * deletes every socket at once, without waiting the second that {@code srt_close} grants other
 * threads, and {@code srt_connect}, {@code srt_recvmsg}, {@code srt_bstats} hold a raw pointer to
 * their socket for the whole call. A thread still inside one of them then reads and writes freed
 * memory: the {@code malloc(): unsorted double linked list corrupted} aborts seen at SIGTERM with
 * SRT targets connecting or forwarding. So every {@link SrtNative} call on a socket passes through
 * {@link #enter}/{@link #exit}, and {@link Srt#shutdown} closes the ledger ({@link #close}), which
 * refuses every later call, and runs {@code srt_cleanup} only once no call is in flight.
 *
 * <p>Memory-ordering: {@code enter} counts itself in, then reads {@code closed}; {@code close}
 * sets {@code closed}, then reads the count. Both are sequentially consistent, so either the call
 * sees the ledger closed, or the closer sees the call in flight and waits for it.
 */
final class SrtCalls {
    /** What an open socket is, which decides who may close it at shutdown. */
    enum Kind {
        /** Created, not yet connected or bound: owned by the thread that created it (it may be in srt_connect). */
        NEW,
        /** A bound listener: any thread may close it (srt_close wakes srt_accept; the shutdown does). */
        LISTENER,
        /** A connected or accepted socket: any thread may close it (srt_close wakes srt_recvmsg). */
        CONNECTED
    }

    private static final AtomicInteger IN_CALL = new AtomicInteger();
    private static final Map<Integer, Kind> OPEN = new ConcurrentHashMap<>();
    private static volatile boolean closed;

    private SrtCalls() {}

    /**
     * Counts the calling thread into libsrt.
     *
     * @param fn the libsrt function about to be called, for the error
     * @throws SrtException once the ledger is closed (libsrt is being or has been cleaned up)
     */
    static void enter(String fn) throws SrtException {
        IN_CALL.incrementAndGet();
        if (closed) {
            exit();
            throw new SrtException(fn + ": libsrt is shut down (the process is exiting)", 0, 0);
        }
    }

    /** Counts the calling thread out; call in a finally after every successful {@link #enter}. */
    static void exit() {
        IN_CALL.decrementAndGet();
    }

    static void opened(int u, Kind kind) {
        OPEN.put(u, kind);
    }

    static void closed(int u) {
        OPEN.remove(u);
    }

    /** Sockets not closed yet. */
    static int open() {
        return OPEN.size();
    }

    /** Open sockets of one kind (a snapshot). */
    static int[] open(Kind kind) {
        return OPEN.entrySet().stream().filter(e -> e.getValue() == kind).mapToInt(Map.Entry::getKey).toArray();
    }

    /** Calls in flight now. */
    static int inCall() {
        return IN_CALL.get();
    }

    /** Refuses every later call; calls already in flight finish normally. */
    static void close() {
        closed = true;
    }

    static boolean isClosed() {
        return closed;
    }

    /**
     * Waits until no call is in flight or the deadline passes.
     *
     * @return whether no call is in flight
     */
    static boolean awaitNoCall(long deadlineNanos) {
        while (IN_CALL.get() > 0) {
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return IN_CALL.get() == 0;
            }
        }
        return true;
    }
}
