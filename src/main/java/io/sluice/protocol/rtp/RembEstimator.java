package io.sluice.protocol.rtp;

/**
 * RembEstimator is the receive-side bandwidth estimate Sluice sends as REMB
 * (<a href="https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03">draft-alvestrand-rmcat-remb</a>)
 * to a WHIP publisher that negotiated goog-remb but not transport-cc. A REMB caps the sender, so it must
 * stay above what arrives while the link is healthy, and drop below it when the link is not. The rule,
 * applied at each {@link #update} (every half second):
 * <ul>
 *   <li><b>healthy</b> (loss under {@link #LOW_LOSS}, queuing delay under {@link #QUEUE_LIMIT_NANOS}): the
 *       estimate becomes {@link #HEADROOM} (1.5) × the bitrate that arrived over the last second, and never
 *       falls while healthy, so the sender may grow by up to half its rate per second;</li>
 *   <li><b>congested</b> (loss over {@link #HIGH_LOSS}, or queuing delay over the limit and growing): the
 *       estimate becomes {@link #BACK_OFF} (0.85) × the arrived bitrate;</li>
 *   <li>in between it holds.</li>
 * </ul>
 * Queuing delay is measured from abs-send-time where the publisher sends it: how far the latest one-way
 * delay (arrival minus send time, on unrelated clocks) is above the lowest seen in the last
 * {@link #BASE_DELAY_WINDOW_NANOS}. Without abs-send-time only loss counts. The estimate never goes below
 * {@link #MIN_BPS}. Not thread-safe; the caller serialises calls.
 */
public final class RembEstimator {
    public static final long MIN_BPS = 100_000;
    public static final long START_BPS = 300_000;
    static final double LOW_LOSS = 0.02;
    static final double HIGH_LOSS = 0.10;
    static final double HEADROOM = 1.5;
    static final double BACK_OFF = 0.85;
    static final long QUEUE_LIMIT_NANOS = 50_000_000L;
    static final long BASE_DELAY_WINDOW_NANOS = 10_000_000_000L;
    private static final long RATE_WINDOW_NANOS = 1_000_000_000L;
    private static final int BUCKETS = 10;
    private static final long BUCKET_NANOS = RATE_WINDOW_NANOS / BUCKETS;
    /** abs-send-time: 6.18 fixed-point seconds in 24 bits, wrapping every 64 s. */
    private static final long ABS_SEND_TIME_WRAP = 1L << 24;

    private final long[] bucketBytes = new long[BUCKETS];
    private final long[] bucketStart = new long[BUCKETS];
    private final boolean[] bucketUsed = new boolean[BUCKETS];
    private long estimate = START_BPS;
    private long lastAbsSendTime = -1;
    private long absSendTimeUnwrapped;
    private long baseDelayNanos = Long.MAX_VALUE;
    private long baseDelaySetNanos;
    private long latestDelayNanos = Long.MIN_VALUE;
    private long previousQueueNanos;

    /**
     * Records one arrived packet.
     *
     * @param absSendTime the 24-bit abs-send-time it carried, or -1 without one
     */
    public void received(int bytes, long arrivalNanos, long absSendTime) {
        long index = Math.floorDiv(arrivalNanos, BUCKET_NANOS);
        int b = (int) Math.floorMod(index, (long) BUCKETS);
        long start = index * BUCKET_NANOS;
        if (!bucketUsed[b] || bucketStart[b] != start) {
            bucketUsed[b] = true;
            bucketStart[b] = start;
            bucketBytes[b] = 0;
        }
        bucketBytes[b] += bytes;
        if (absSendTime >= 0) {
            if (lastAbsSendTime >= 0) {
                long step = Math.floorMod(absSendTime - lastAbsSendTime, ABS_SEND_TIME_WRAP);
                // a step of more than half the range is a reordered packet: a step back
                absSendTimeUnwrapped += step < ABS_SEND_TIME_WRAP / 2 ? step : step - ABS_SEND_TIME_WRAP;
            }
            lastAbsSendTime = absSendTime;
            long sendNanos = absSendTimeUnwrapped * 1_000_000_000L >> 18;
            long delay = arrivalNanos - sendNanos;
            if (delay < baseDelayNanos || arrivalNanos - baseDelaySetNanos > BASE_DELAY_WINDOW_NANOS) {
                // the minimum ages out, so that a sender's clock drift does not read as a growing queue
                baseDelayNanos = delay;
                baseDelaySetNanos = arrivalNanos;
            }
            latestDelayNanos = delay;
        }
    }

    /** The bitrate that arrived over the last second before {@code nowNanos}. */
    public long incomingBps(long nowNanos) {
        long bytes = 0;
        long oldest = nowNanos;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketUsed[i] && nowNanos - bucketStart[i] < RATE_WINDOW_NANOS && bucketStart[i] <= nowNanos) {
                bytes += bucketBytes[i];
                oldest = Math.min(oldest, bucketStart[i]);
            }
        }
        // over the time the counted buckets span, the current one only up to now
        return bytes * 8 * 1_000_000_000L / Math.max(nowNanos - oldest, BUCKET_NANOS);
    }

    /**
     * Applies the rule of the class comment and returns the new estimate, in bit/s.
     *
     * @param lossFraction packets lost / expected since the last update, 0..1
     */
    public long update(long nowNanos, double lossFraction) {
        long incoming = incomingBps(nowNanos);
        long queue = latestDelayNanos == Long.MIN_VALUE ? 0 : latestDelayNanos - baseDelayNanos;
        boolean delayed = queue > QUEUE_LIMIT_NANOS && queue >= previousQueueNanos;
        previousQueueNanos = queue;
        if (lossFraction > HIGH_LOSS || delayed) {
            estimate = (long) (BACK_OFF * incoming);
        } else if (lossFraction < LOW_LOSS && queue <= QUEUE_LIMIT_NANOS) {
            estimate = Math.max(estimate, (long) (HEADROOM * incoming));
        }
        estimate = Math.max(MIN_BPS, estimate);
        return estimate;
    }

    public long estimate() {
        return estimate;
    }
}
