package io.sluice.stream;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * ReaderQueue is the bounded queue between a stream and one reader or forwarder: the piece that lets
 * a slow or dead target drop instead of slowing the publisher.
 *
 * <p>Fast path: when the publisher's thread is the reader's event loop, the queue is empty and the
 * sink can take more, the unit is written inline: no thread hand-off and no queueing, the shape of
 * nginx-rtmp's push. Otherwise units are queued (up to {@code capacity}) and drained on the reader's
 * loop in batches, one wake-up per batch rather than per packet.
 *
 * <p>When the queue is full the unit is dropped, counted and, for the keyframe media, the reader
 * waits for the next keyframe before sending video again (a decoder cannot use the frames after a
 * hole anyway). A warning is logged at most once per second.
 *
 * <p>Joining (catch-up): the cached GOP handed over by {@link #onReplay} is sent from the reader's
 * loop, paced by the sink (written while it is writable, resumed by {@link #drain} when it drains,
 * at most {@value #REPLAY_BATCH} units per millisecond, and {@value #PACED_REPLAY_BATCH} into a sink
 * that never pushes back, so that a UDP sink, always "writable", does not flood its peer's receive
 * buffer). Live units arriving meanwhile queue behind it, bounded
 * by bytes (the GOP cache bound) rather than by {@code capacity}: a 10 s GOP at 20 Mbit/s is ~20,000
 * packets, far more than a live queue should hold, and the units are shared with the stream's cache
 * anyway. Once the GOP is out and the backlog is back under {@code capacity}, the reader is live:
 * packet limit, drops, and the inline fast path as above.
 *
 * <p>Why one class of ~400 lines: the live queue, the GOP replay and its pacing are one state machine
 * over one queue (the replay's end sets the live backlog bound, the paced backlog decides when the
 * reader is live again, and the publisher's inline fast path reads {@code catchingUp} and the queue's
 * size on every packet). Split in two, that state would be shared between classes on the per-packet
 * path; kept together it is read in one place.
 */
public final class ReaderQueue implements StreamReader, AutoCloseable {
    private static final long WARN_INTERVAL_NANOS = 1_000_000_000L;
    /** Replayed units per pacing tick: 32 per ms is ~300 Mbit/s of 1,200-byte packets. */
    static final int REPLAY_BATCH = 32;
    /**
     * Replayed units per tick into a sink that never pushes back, GOP and then the live backlog behind it:
     * 4 per ms is ~37 Mbit/s of 1,200-byte packets, bursts of 4 packets that a UDP receiver absorbs; a 10 s
     * GOP at 20 Mbit/s is caught up in ~11 s (the live stream keeps coming meanwhile). 8 per ms lost
     * 2.5-7 % of the frames at GstRtspServer over UDP on a loaded 2-core machine.
     */
    static final int PACED_REPLAY_BATCH = 4;
    private static final long REPLAY_TICK_MICROS = 1000;
    /** A full RTP packet, to turn the packet capacity into bytes. */
    private static final long MTU_BYTES = 1500;

    /** Sink is where a reader writes units; every method is called only on the reader's event loop. */
    public interface Sink {
        /** False while the socket's send buffer is full: units then wait in the queue. */
        boolean isWritable();

        /** Writes one unit; the sink retains what it keeps (e.g. {@code unit.rtp().retainedDuplicate()}). */
        void write(Unit unit);

        /** Pushes what was written to the socket. */
        void flush();

        /**
         * False for a sink that never pushes back (UDP: the peer's receive buffer overflows instead):
         * the cached GOP then goes out at a rate a receiver keeps up with, {@value #PACED_REPLAY_BATCH}
         * units per millisecond, rather than as fast as the loop can write.
         */
        default boolean pushesBack() {
            return true;
        }
    }

    private final String name;
    private final EventExecutor loop;
    private final int capacity;
    private final int keyframeMedia;
    private final Sink sink;
    private final Logger log;
    private final Queue<Unit> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private final Runnable drainTask = this::drain;
    /** Written only on the loop thread; read by stats from any thread. */
    private volatile long packetsOut;
    private volatile long bytesOut;
    /** Touched only by the stream's writer (under the stream's lock). */
    private boolean waitKeyframe;
    /** Waiting for a keyframe after a drop (not at the start): skipped packets count as dropped. */
    private boolean recovering;
    private boolean dirty;
    private long droppedSinceWarn;
    private long lastWarnNanos;
    private volatile boolean closed;
    /**
     * The rest of the cached GOP to send, or null. Set once by {@link #onReplay} (before the stream
     * registers the reader), then polled and cleared only on the loop.
     */
    private volatile ArrayDeque<Unit> replay;
    /** True from {@link #onReplay} until the GOP is out and the live backlog is under capacity. */
    private volatile boolean catchingUp;
    /**
     * Bound of the live backlog while catching up, in bytes: the GOP cache bound while the GOP goes
     * out, then what is queued when it is out (it may only shrink from there).
     */
    private volatile long backlogBytes;
    /** When the last paced batch went out; loop thread only. */
    private long lastPacedNanos;
    private final Runnable replayTick = this::drain;
    private boolean replayTickScheduled;
    private volatile long replayed;

    /**
     * @param name for logs, e.g. "forward t0 rtsp://***@host/x"
     * @param loop the event loop that owns the reader's socket
     * @param capacity maximum queued units
     * @param keyframeMedia media index whose keyframes a reader resumes at after a drop, or -1
     * @param waitFirstKeyframe start by waiting for a keyframe (when the stream had none cached)
     */
    public ReaderQueue(String name, EventExecutor loop, int capacity, int keyframeMedia, boolean waitFirstKeyframe,
            Sink sink, Logger log) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be >= 1, got " + capacity);
        }
        this.name = name;
        this.loop = loop;
        this.capacity = capacity;
        this.keyframeMedia = keyframeMedia;
        this.waitKeyframe = waitFirstKeyframe && keyframeMedia >= 0;
        this.sink = sink;
        this.log = log;
    }

    /**
     * Takes the cached GOP of the stream this reader joins; the reader's loop sends it, then the
     * live units. Called once, under the stream's lock, before the first {@link #onUnit}.
     */
    @Override
    public void onReplay(List<Unit> gop, long backlogBytes) {
        if (closed || gop.isEmpty()) {
            gop.forEach(Unit::release);
            return;
        }
        this.backlogBytes = backlogBytes;
        // the GOP starts at a keyframe: nothing to wait for
        waitKeyframe = false;
        recovering = false;
        replay = new ArrayDeque<>(gop);
        catchingUp = true;
        if (closed) { // close() raced us: release what it could not see
            loop.execute(this::releaseQueued);
            return;
        }
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    @Override
    public void onUnit(Unit unit) {
        if (closed) {
            return;
        }
        if (unit.media() == keyframeMedia && waitKeyframe) {
            if (!unit.keyframe()) {
                if (recovering) {
                    // lost to the reader as surely as a dropped packet: count it
                    dropped.increment();
                    droppedSinceWarn++;
                }
                return;
            }
            waitKeyframe = false;
            recovering = false;
        }
        if (queued.get() == 0 && !catchingUp && loop.inEventLoop() && sink.isWritable()) {
            write(unit);
            dirty = true;
            return;
        }
        if (catchingUp ? queuedBytes.get() + unit.size() > backlogBytes : queued.get() >= capacity) {
            drop(unit);
            return;
        }
        queue.add(unit.retain());
        queuedBytes.addAndGet(unit.size());
        queued.incrementAndGet();
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
    }

    @Override
    public void onBatchEnd() {
        if (dirty && loop.inEventLoop()) {
            dirty = false;
            sink.flush();
        }
    }

    private void write(Unit unit) {
        packetsOut++;
        bytesOut += unit.size();
        sink.write(unit);
    }

    private void drop(Unit unit) {
        dropped.increment();
        droppedSinceWarn++;
        if (keyframeMedia >= 0) {
            waitKeyframe = true;
            recovering = true;
        }
        long now = System.nanoTime();
        if (now - lastWarnNanos >= WARN_INTERVAL_NANOS) {
            if (catchingUp) {
                log.warn("{}: reader too slow, discarded {} packets (catching up with the GOP: backlog of {} bytes "
                        + "full)", name, droppedSinceWarn, backlogBytes);
            } else {
                log.warn("{}: reader too slow, discarded {} packets (queue {} full)", name, droppedSinceWarn,
                        capacity);
            }
            droppedSinceWarn = 0;
            lastWarnNanos = now;
        }
    }

    /**
     * Writes queued units while the sink is writable. Runs on the loop; the owner also calls it when
     * the channel becomes writable again.
     */
    public void drain() {
        drainScheduled.set(false);
        boolean wrote = false;
        ArrayDeque<Unit> r = replay;
        // A sink that never pushes back (UDP) gets the live backlog that queued behind the GOP at the same
        // pace as the GOP itself: blasted at once it would overflow the receiver's socket buffer.
        boolean paced = catchingUp && !sink.pushesBack();
        if (replayTickScheduled && (r != null || paced)) {
            return; // paced: a live unit's wake-up must not speed the GOP or the backlog up
        }
        if (r != null && !closed) {
            wrote = drainReplay(r);
            if (!r.isEmpty()) {
                // live units wait behind the GOP; the pacing tick or the sink's drain resumes
                flushIfWrote(wrote);
                return;
            }
            replay = null;
            // From here the backlog may only shrink, give or take one live queue of headroom for the
            // stream's next keyframe burst: a reader slower than the stream itself must not hoard up to the
            // GOP bound of latency; it drops and resumes at a keyframe like any other. (Without the
            // headroom a UDP target whose GOP took longer than planned dropped at the next burst.)
            backlogBytes = Math.min(backlogBytes, queuedBytes.get() + (long) capacity * MTU_BYTES);
        }
        Unit u;
        int n = 0;
        int limit = paced ? pacedBatch(PACED_REPLAY_BATCH) : Integer.MAX_VALUE;
        while (!closed && sink.isWritable() && n < limit && (u = queue.poll()) != null) {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-u.size());
            n++;
            try {
                write(u);
                wrote = true;
            } finally {
                u.release();
            }
        }
        if (paced && n == limit && !queue.isEmpty()) {
            scheduleReplayTick();
        }
        // Caught up: live limits again. A sink without push-back stays paced until its backlog is empty.
        if (catchingUp && replay == null && (paced ? queued.get() == 0 : queued.get() < capacity)) {
            // caught up: live limits again. A unit the publisher queued under the byte bound just
            // before this is still in the queue, so order holds: the fast path needs an empty queue.
            catchingUp = false;
        }
        flushIfWrote(wrote);
        if (closed) {
            releaseQueued();
        }
    }

    /** Writes up to a pacing batch of the GOP; true when something was written. */
    private boolean drainReplay(ArrayDeque<Unit> r) {
        boolean wrote = false;
        int n = 0;
        int batch = pacedBatch(sink.pushesBack() ? REPLAY_BATCH : PACED_REPLAY_BATCH);
        Unit u;
        while (n < batch && sink.isWritable() && (u = r.poll()) != null) {
            try {
                write(u);
                wrote = true;
                n++;
            } finally {
                u.release();
            }
        }
        replayed += n;
        if (!r.isEmpty() && n == batch) {
            // still writable: come back on the next tick. Not writable: the owner calls drain().
            scheduleReplayTick();
        }
        return wrote;
    }

    /**
     * Units to write now at {@code perMs} units per millisecond: one tick's worth, or what the time since the
     * last paced write allows when the tick ran late (a busy loop), up to four ticks' worth so a late tick
     * never turns into a burst a receiver cannot absorb.
     */
    private int pacedBatch(int perMs) {
        long now = System.nanoTime();
        long elapsedMicros = lastPacedNanos == 0 ? REPLAY_TICK_MICROS : (now - lastPacedNanos) / 1000;
        lastPacedNanos = now;
        return (int) Math.clamp(elapsedMicros * perMs / REPLAY_TICK_MICROS, perMs, 4L * perMs);
    }

    private void scheduleReplayTick() {
        if (!replayTickScheduled) {
            replayTickScheduled = true;
            loop.schedule(() -> {
                replayTickScheduled = false;
                replayTick.run();
            }, REPLAY_TICK_MICROS, TimeUnit.MICROSECONDS);
        }
    }

    private void flushIfWrote(boolean wrote) {
        if (wrote || dirty) {
            dirty = false;
            sink.flush();
        }
    }

    private void releaseQueued() {
        Unit u;
        while ((u = queue.poll()) != null) {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-u.size());
            u.release();
        }
        ArrayDeque<Unit> r = replay;
        if (r != null) {
            replay = null;
            while ((u = r.poll()) != null) {
                u.release();
            }
        }
    }

    public long dropped() {
        return dropped.sum();
    }

    public long packetsOut() {
        return packetsOut;
    }

    public long bytesOut() {
        return bytesOut;
    }

    public int queued() {
        return queued.get();
    }

    /** Units of the cached GOP sent so far. */
    public long replayed() {
        return replayed;
    }

    /** True while the cached GOP or the live backlog behind it is being sent. */
    public boolean catchingUp() {
        return catchingUp;
    }

    /** Stops delivery and releases queued units (on the loop, so it never races a drain). */
    @Override
    public void close() {
        closed = true;
        if (loop.inEventLoop() || loop.isShuttingDown()) {
            releaseQueued();
            return;
        }
        try {
            loop.execute(this::releaseQueued);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            releaseQueued(); // the loop stopped meanwhile: nothing can drain concurrently any more
        }
    }
}
