package io.sluice.stream;

import io.netty.util.concurrent.EventExecutor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
 */
public final class ReaderQueue implements StreamReader, AutoCloseable {
    private static final long WARN_INTERVAL_NANOS = 1_000_000_000L;

    /** Sink is where a reader writes units; every method is called only on the reader's event loop. */
    public interface Sink {
        /** False while the socket's send buffer is full: units then wait in the queue. */
        boolean isWritable();

        /** Writes one unit; the sink retains what it keeps (e.g. {@code unit.rtp().retainedDuplicate()}). */
        void write(Unit unit);

        /** Pushes what was written to the socket. */
        void flush();
    }

    private final String name;
    private final EventExecutor loop;
    private final int capacity;
    private final int keyframeMedia;
    private final Sink sink;
    private final Logger log;
    private final Queue<Unit> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
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
        if (queued.get() == 0 && loop.inEventLoop() && sink.isWritable()) {
            write(unit);
            dirty = true;
            return;
        }
        if (queued.get() >= capacity) {
            drop(unit);
            return;
        }
        queue.add(unit.retain());
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
            log.warn("{}: reader too slow, discarded {} packets (queue {} full)", name, droppedSinceWarn, capacity);
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
        Unit u;
        while (!closed && sink.isWritable() && (u = queue.poll()) != null) {
            queued.decrementAndGet();
            try {
                write(u);
                wrote = true;
            } finally {
                u.release();
            }
        }
        if (wrote || dirty) {
            dirty = false;
            sink.flush();
        }
        if (closed) {
            releaseQueued();
        }
    }

    private void releaseQueued() {
        Unit u;
        while ((u = queue.poll()) != null) {
            queued.decrementAndGet();
            u.release();
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
