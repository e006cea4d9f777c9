package io.sluice.protocol.rtp;

import java.util.Arrays;

/**
 * RtpTimeline puts the RTP timestamps of a stream's medias on one clock, for mappers that re-frame a
 * stream into a container (FLV, MPEG-TS): time 0 is the arrival of the first unit the timeline saw,
 * and each media is anchored at the arrival of its own first unit, because the RTP timestamps of
 * different medias start at unrelated random values (RFC 3550 §5.1). From there on a media's time
 * follows its RTP timestamps, not arrival times, so network jitter does not reach the output.
 *
 * <p>Not thread-safe: one instance per mapper, used on the mapper's thread.
 */
public final class RtpTimeline {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NOT_STARTED = Long.MIN_VALUE;

    private final long[] baseNanos;
    private final long[] lastTs;
    private final long[] unwrapped;
    private long originNanos = NOT_STARTED;

    /** @param medias how many medias the stream has (media indexes are 0 to medias-1) */
    public RtpTimeline(int medias) {
        baseNanos = new long[medias];
        lastTs = new long[medias];
        unwrapped = new long[medias];
        Arrays.fill(baseNanos, NOT_STARTED);
    }

    /**
     * The time of an RTP timestamp of one media, in units of {@code 1/rate} seconds since the origin.
     * It is negative only when a media's timestamps step back before its first one (B-frames sent
     * ahead of the pictures they precede), so callers that cannot carry negative times clamp or offset.
     *
     * @param rtpTs the timestamp; 32-bit wrap-around is followed (the signed step from the previous
     *     timestamp of the media counts, so timestamps may also step back a little)
     * @param clockRate the media's RTP clock rate in Hz
     * @param receivedNanos {@link System#nanoTime()} of the unit's arrival; only the first unit of
     *     each media uses it
     * @param rate the output unit in Hz, e.g. 1000 for FLV milliseconds, 90000 for MPEG-TS
     */
    public long time(int media, long rtpTs, int clockRate, long receivedNanos, int rate) {
        if (originNanos == NOT_STARTED) {
            originNanos = receivedNanos;
        }
        if (baseNanos[media] == NOT_STARTED) {
            baseNanos[media] = Math.max(0, receivedNanos - originNanos);
            lastTs[media] = rtpTs;
            unwrapped[media] = 0;
        } else {
            unwrapped[media] += (int) (rtpTs - lastTs[media]);
            lastTs[media] = rtpTs;
        }
        long b = baseNanos[media];
        // split so that hours of offset times a 90 kHz rate cannot overflow
        long base = b / NANOS_PER_SECOND * rate + b % NANOS_PER_SECOND * rate / NANOS_PER_SECOND;
        return base + unwrapped[media] * rate / clockRate;
    }
}
