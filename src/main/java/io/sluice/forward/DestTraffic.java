package io.sluice.forward;

import io.sluice.stream.ReaderQueue;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * DestTraffic adds up what one forward target sent across its sessions: the finished sessions'
 * totals, the live session's queue counters and transport figures, and the send rate. Any protocol
 * has these, from the target's {@link ReaderQueue}.
 *
 * <p>Threads: {@link DestRunner} reports session changes (under its own lock, in generation order);
 * stats are read from any thread.
 */
final class DestTraffic {
    /** What a stats reader sees: totals so far, the live session included. */
    record Snapshot(long bytes, long packets, long dropped, Map<String, Number> figures) {
    }

    /** The link figure of packets a target's transport dropped by policy, counted in {@code dropped}. */
    static final String CHOSEN_DROPS = "keyframeOnlyDrops";
    // totals of the finished sessions, guarded by this
    private long bytesDone;
    private long packetsDone;
    private long droppedDone;
    private volatile ReaderQueue queue;
    /** The current session's transport figures; after it ends, a snapshot of its last ones. */
    private volatile Supplier<Map<String, Number>> link = Map::of;
    // bitrate sampling, guarded by this
    private long rateSampleNanos;
    private long rateSampleBytes;
    private long rateKbps;

    /** The current session forwards through {@code q}. */
    void forwarding(ReaderQueue q) {
        queue = q;
    }

    /** The current session's transport figures. */
    void link(Supplier<Map<String, Number>> figures) {
        link = figures;
    }

    /**
     * Moves a finished session's counters into the totals; its queue and figures stop being the live
     * ones if they still were (the figures are kept as a snapshot of their last values).
     */
    void sessionEnded(ReaderQueue q, Supplier<Map<String, Number>> sessionLink) {
        if (q != null) {
            synchronized (this) {
                bytesDone += q.bytesOut();
                packetsDone += q.packetsOut();
                droppedDone += q.dropped();
            }
        }
        if (queue == q) {
            queue = null;
        }
        if (sessionLink != null && link == sessionLink) {
            Map<String, Number> last = sessionLink.get();
            link = () -> last;
        }
    }

    /** @param forwarding whether the target forwards now (the bitrate shows 0 otherwise) */
    Snapshot snapshot(boolean forwarding) {
        long bytes;
        long packets;
        long dropped;
        synchronized (this) {
            bytes = bytesDone;
            packets = packetsDone;
            dropped = droppedDone;
        }
        ReaderQueue q = queue;
        if (q != null) {
            bytes += q.bytesOut();
            packets += q.packetsOut();
            dropped += q.dropped();
        }
        Map<String, Number> figures = new TreeMap<>(link.get());
        // a target that drops on purpose (a WHIP target's keyframe-only mode, current or last session) counts it too
        Number chosen = figures.get(CHOSEN_DROPS);
        dropped += chosen == null ? 0 : chosen.longValue();
        figures.put("queuedPackets", q == null ? 0 : q.queued());
        figures.put("bitrateKbps", bitrateKbps(bytes, forwarding));
        return new Snapshot(bytes, packets, dropped, figures);
    }

    /**
     * The send rate over the last second or more, from the byte counter. Recomputed at most once a
     * second, whoever reads the stats (API, metrics, status page) and however often.
     */
    private synchronized long bitrateKbps(long bytes, boolean forwarding) {
        long now = System.nanoTime();
        if (rateSampleNanos == 0) {
            rateSampleNanos = now;
            rateSampleBytes = bytes;
        } else if (now - rateSampleNanos >= 1_000_000_000L) {
            rateKbps = Math.max(0, (bytes - rateSampleBytes) * 8_000_000L / (now - rateSampleNanos));
            rateSampleNanos = now;
            rateSampleBytes = bytes;
        }
        return forwarding ? rateKbps : 0;
    }
}
