package io.sluice.stream;

import io.sluice.conf.GopCacheConf;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GopCache keeps the packets of every media of a {@link Stream} since the last keyframe of its main
 * video media, so that a reader or forward target that joins mid-stream starts at that keyframe and
 * the remote can decode at once instead of waiting up to a GOP. It is bounded by {@link GopCacheConf}
 * (bytes and media time); a GOP past either bound is dropped and nothing is cached until the next
 * keyframe.
 *
 * <p>Not thread-safe: every call is made under the owning stream's lock, which is what makes a joining
 * reader's snapshot and its registration one step.
 */
final class GopCache {
    private static final Logger LOG = LoggerFactory.getLogger(GopCache.class);
    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

    private final GopCacheConf limits;
    private final int keyframeMedia;
    /** gopCacheMaxDuration in clock ticks of the keyframe media. */
    private final long maxTicks;
    private final int clockRate;
    /** The cached units, in arrival order; one reference each. */
    private final ArrayList<Unit> units = new ArrayList<>();
    private long bytes;
    private boolean overflow;
    /** RTP timestamp of the cached keyframe, and how far past it the cache reaches. */
    private long startTs;
    private long spanTicks;
    private long overflows;
    private long lastWarnNanos;

    /**
     * @param keyframeMedia the media whose keyframes start a GOP, or -1 (nothing is then cached)
     */
    GopCache(StreamDesc desc, int keyframeMedia, GopCacheConf limits) {
        this.limits = limits;
        this.keyframeMedia = keyframeMedia;
        this.clockRate = keyframeMedia >= 0 ? Math.max(1, desc.medias().get(keyframeMedia).format().clockRate()) : 1;
        this.maxTicks = limits.maxDuration().toMillis() * clockRate / 1000;
    }

    /** How many bytes of live units a joining reader may queue behind the snapshot: the cache's own bound. */
    long maxBytes() {
        return limits.maxBytes();
    }

    /** Takes one unit (retaining it when kept): a keyframe starts a new GOP, anything else extends it. */
    void add(Unit unit) {
        if (unit.keyframe()) {
            // The packets of this access unit that came before the keyframe packet (SPS/PPS, AUD)
            // have the same timestamp: keep them, drop everything older.
            int keep = units.size();
            for (int i = units.size() - 1; i >= 0; i--) {
                Unit u = units.get(i);
                if (u.media() == unit.media()) {
                    if (u.timestamp() != unit.timestamp()) {
                        break;
                    }
                    keep = i;
                }
            }
            List<Unit> old = units.subList(0, keep);
            for (Unit u : old) {
                bytes -= u.size();
                u.release();
            }
            old.clear();
            overflow = false;
            startTs = unit.timestamp();
            spanTicks = 0;
        } else if (overflow || units.isEmpty()) {
            // nothing is cached until the first keyframe: a reader could not start before it anyway
            return;
        }
        if (unit.media() == keyframeMedia) {
            // signed: B-frames carry presentation times a little before the keyframe's in open GOPs
            int ahead = (int) (unit.timestamp() - startTs);
            spanTicks = Math.max(spanTicks, ahead);
        }
        if (bytes + unit.size() > limits.maxBytes() || spanTicks > maxTicks) {
            overflowed(unit);
            return;
        }
        units.add(unit.retain());
        bytes += unit.size();
    }

    /** Drops a GOP past the bounds: readers joining before the next keyframe wait for it. */
    private void overflowed(Unit unit) {
        overflows++;
        long now = System.nanoTime();
        if (now - lastWarnNanos >= WARN_INTERVAL_NANOS || overflows == 1) {
            lastWarnNanos = now;
            LOG.warn("GOP cache: the GOP passed gopCacheMaxBytes {} or gopCacheMaxDuration {} ({} packets, {} bytes, "
                    + "{} ms): not cached until the next keyframe; readers joining now wait for it ({} GOPs so far)",
                    limits.maxBytes(), limits.maxDuration(), units.size() + 1, bytes + unit.size(),
                    spanTicks * 1000 / clockRate, overflows);
        }
        clear();
        overflow = true;
    }

    /** Releases every cached unit. */
    void clear() {
        for (Unit u : units) {
            u.release();
        }
        units.clear();
        bytes = 0;
        spanTicks = 0;
    }

    /** Empties the cache for a new publisher: its first keyframe starts caching again. */
    void restart() {
        clear();
        overflow = false;
    }

    boolean hasKeyframe() {
        for (Unit u : units) {
            if (u.keyframe()) {
                return true;
            }
        }
        return false;
    }

    /** The cached units, each retained once more for the caller. */
    List<Unit> retainedSnapshot() {
        List<Unit> snapshot = new ArrayList<>(units.size());
        for (Unit u : units) {
            snapshot.add(u.retain());
        }
        return snapshot;
    }

    /** The cached units themselves (no new references), to read under the stream's lock. */
    List<Unit> units() {
        return units;
    }

    int size() {
        return units.size();
    }

    GopCacheStats stats() {
        return new GopCacheStats(units.size(), bytes, spanTicks * 1000 / clockRate, overflows);
    }
}
