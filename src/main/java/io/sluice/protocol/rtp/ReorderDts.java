package io.sluice.protocol.rtp;

import java.util.Arrays;

/**
 * ReorderDts turns the presentation times of a video's pictures, in decoding order, into decoding
 * times that strictly increase and never exceed the presentation time, from the first picture on and
 * without holding any picture back. It knows nothing of codecs: {@link H264DtsExtractor} and
 * {@link H265DtsExtractor} give it the reorder depth read from the parameter sets and slice headers.
 *
 * <p>Method: with a reorder depth R (the most pictures that precede any picture in decoding order and
 * follow it in output order: H.264 max_num_reorder_frames, H.265 sps_max_num_reorder_pics), the n-th
 * picture in decoding order can be decoded at the presentation time of the (n−R)-th picture in output
 * order, and that picture is always among the n+1 seen so far. So the DTS is the smallest PTS not yet
 * used as a DTS, once R+1 are pending: PTS ≥ DTS holds for every picture (at most R pictures decoded
 * earlier are shown later), and DTS follows output order, so it increases. This is what a decoder with
 * an R-picture output delay does. Before R+1 pictures are pending (the first R pictures of the stream,
 * or after R grew) the DTS steps by 1 ms from the previous one: the first picture keeps DTS = PTS, so
 * no time is ever negative and nothing is added in front of the stream.
 *
 * <p>R only grows within a run: when the codec layer predicts deeper reordering (a picture order count
 * that jumps ahead), or when a picture arrives with more later-shown pictures decoded before it than R
 * allows (counted on the presentation times themselves). A picture whose DTS cannot be both above the
 * previous one and not above its PTS keeps the previous DTS + 1 tick (monotonic wins: strict ingest
 * servers reject DTS that go back) and is counted in {@link #violations()}.
 *
 * <p>Timestamps are 32-bit RTP timestamps; wrap-around is followed. A jump of more than
 * {@link #MAX_JUMP_SECONDS} (a new encoder behind the same session) starts a new run.
 *
 * <p>Not thread-safe: one instance per media, used on the thread that depacketizes it.
 */
final class ReorderDts {
    /** Deepest reordering followed; H.264 and H.265 allow at most 16 pictures in the DPB. */
    static final int MAX_REORDER = 16;
    /** A PTS step larger than this, forward or back, starts a new run. */
    static final int MAX_JUMP_SECONDS = 10;
    /** Decoded pictures remembered to count how many later-shown ones precede a picture. */
    private static final int HISTORY = 2 * MAX_REORDER + 2;

    private final int clockRate;
    /** Step of the DTS while pictures are pending: 1 ms, so that millisecond containers (FLV) also increase. */
    private final long quantum;
    private int reorder;
    /** PTS values not yet used as a DTS, sorted ascending; at most MAX_REORDER + 1 in use. */
    private final long[] pending = new long[MAX_REORDER + 2];
    private int pendingCount;
    /** PTS of the last decoded pictures, ring buffer. */
    private final long[] history = new long[HISTORY];
    private int historyCount;
    private int historyNext;
    private boolean started;
    private boolean haveTs;
    private long lastRtpTs;
    private long pts;
    private long prevDts;
    private long violations;

    /** @param clockRate the RTP clock rate of the media, in Hz */
    ReorderDts(int clockRate) {
        this.clockRate = clockRate;
        this.quantum = Math.max(1, clockRate / 1000);
    }

    /** The reorder depth in use. */
    int reorder() {
        return reorder;
    }

    /** Raises the reorder depth to at least {@code r} (capped at {@link #MAX_REORDER}); never lowers it. */
    void atLeast(int r) {
        reorder = Math.max(reorder, Math.min(r, MAX_REORDER));
    }

    /** Pictures that got DTS &gt; PTS because no DTS could satisfy both rules. */
    long violations() {
        return violations;
    }

    /** Forgets the pictures of the current run: the next picture starts a new run with DTS = PTS. */
    void restart() {
        started = false;
        pendingCount = 0;
        historyCount = 0;
    }

    /**
     * The DTS of the next picture in decoding order, as PTS − DTS in clock ticks (≥ 0 except for counted
     * violations).
     *
     * @param rtpTs the picture's RTP timestamp (its presentation time)
     */
    long ptsOffset(long rtpTs) {
        long dts = next(rtpTs);
        return pts - dts;
    }

    /** Like {@link #ptsOffset} for a picture whose DTS cannot be derived: previous DTS + 1 tick. */
    long ptsOffsetAfterPrevious(long rtpTs) {
        advance(rtpTs);
        if (!started) {
            // nothing to follow: start a run here
            return ptsOffset(rtpTs);
        }
        prevDts = prevDts + 1;
        remember(pts);
        if (prevDts > pts) {
            violations++;
        }
        return pts - prevDts;
    }

    private long next(long rtpTs) {
        advance(rtpTs);
        if (!started) {
            started = true;
            pendingCount = 0;
            historyCount = 0;
            // the first picture of a run: nothing precedes it, DTS = PTS
            insert(pts);
            popIfReady();
            prevDts = pts;
            remember(pts);
            return pts;
        }
        int later = laterShownBefore(pts);
        if (later > reorder) {
            atLeast(later);
        }
        insert(pts);
        long candidate = popIfReady();
        long dts;
        if (candidate != Long.MIN_VALUE && candidate > prevDts) {
            dts = candidate;
        } else if (prevDts + quantum <= pts) {
            dts = prevDts + quantum;
        } else {
            dts = prevDts + 1;
            if (dts > pts) {
                violations++;
            }
        }
        prevDts = dts;
        remember(pts);
        return dts;
    }

    /** Unwraps the RTP timestamp into {@link #pts}; a long jump restarts the run. */
    private void advance(long rtpTs) {
        if (haveTs) {
            long step = (int) (rtpTs - lastRtpTs);
            if (started && Math.abs(step) > (long) MAX_JUMP_SECONDS * clockRate) {
                restart();
            }
            pts += step;
        } else {
            pts = rtpTs;
            haveTs = true;
        }
        lastRtpTs = rtpTs;
    }

    /** How many remembered pictures have a later presentation time than {@code p}. */
    private int laterShownBefore(long p) {
        int n = 0;
        for (int i = 0; i < historyCount; i++) {
            if (history[i] > p) {
                n++;
            }
        }
        return n;
    }

    private void remember(long p) {
        history[historyNext] = p;
        historyNext = (historyNext + 1) % HISTORY;
        historyCount = Math.min(historyCount + 1, HISTORY);
    }

    private void insert(long p) {
        if (pendingCount == pending.length) {
            // cannot happen while reorder ≤ MAX_REORDER; drop the oldest candidate to stay bounded
            System.arraycopy(pending, 1, pending, 0, --pendingCount);
        }
        int i = Arrays.binarySearch(pending, 0, pendingCount, p);
        if (i < 0) {
            i = -i - 1;
        }
        System.arraycopy(pending, i, pending, i + 1, pendingCount - i);
        pending[i] = p;
        pendingCount++;
    }

    /** Takes the smallest pending PTS once more than R are pending, else Long.MIN_VALUE. */
    private long popIfReady() {
        if (pendingCount <= reorder) {
            return Long.MIN_VALUE;
        }
        // more than R+1 pending only after R shrank, which it never does; take the (count-R)-th smallest
        int take = pendingCount - reorder;
        long v = pending[take - 1];
        System.arraycopy(pending, take, pending, 0, pendingCount - take);
        pendingCount -= take;
        return v;
    }
}
