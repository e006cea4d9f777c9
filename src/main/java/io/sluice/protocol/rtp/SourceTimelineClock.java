package io.sluice.protocol.rtp;

import io.sluice.stream.SenderClock;

/**
 * SourceTimelineClock gives the RTP↔NTP mapping of a source that has no RTCP but one clock for all
 * its medias (RTMP's FLV milliseconds, MPEG-TS's 90 kHz PTS): NTP = wall-clock time of the source's
 * time 0 (fixed at the first unit) + the unit's time on that common timeline. Every media of the
 * source thus maps through the same origin, so the audio/video timing the source stated in its
 * timestamps reaches the sender reports of readers and targets, whatever the network did to arrival
 * times.
 *
 * <p>A media's mapping is stored at its first unit and again whenever its timestamps have moved 2^30
 * ticks away (3.3 h at 90 kHz), so {@link SenderClock.Mapping#ntpAt} never has to reach past ±2^31.
 *
 * <p>Not thread-safe: one instance per source, called on the source's thread.
 */
public final class SourceTimelineClock {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long REFRESH_TICKS = 1L << 30;

    private final SenderClock clock;
    private final int[] clockRates;
    private final long[] mappedTs;
    private final boolean[] mapped;
    private long originUnixNanos;
    private boolean started;

    /** @param clockRates RTP clock rate of each media of the stream */
    public SourceTimelineClock(SenderClock clock, int[] clockRates) {
        this.clock = clock;
        this.clockRates = clockRates.clone();
        this.mappedTs = new long[clockRates.length];
        this.mapped = new boolean[clockRates.length];
    }

    /**
     * Notes one unit of a media.
     *
     * @param ticks the unit's time on the source's timeline in the media's RTP clock, not reduced to
     *     32 bits (its RTP timestamp is {@code ticks mod 2^32}); sources start at 0 or anywhere
     * @param receivedNanos {@link System#nanoTime()} of the unit's arrival (only the first unit's counts)
     */
    public void unit(int media, long ticks, long receivedNanos) {
        if (media < 0 || media >= clockRates.length) {
            return;
        }
        long sourceNanos = nanos(ticks, clockRates[media]);
        if (!started) {
            long wallNanos = System.currentTimeMillis() * 1_000_000L - (System.nanoTime() - receivedNanos);
            originUnixNanos = wallNanos - sourceNanos;
            started = true;
        }
        long ts = ticks & 0xffff_ffffL;
        if (mapped[media] && Math.abs((long) (int) (ts - mappedTs[media])) < REFRESH_TICKS) {
            return;
        }
        mapped[media] = true;
        mappedTs[media] = ts;
        clock.set(media, new SenderClock.Mapping(NtpTime.fromUnixNanos(originUnixNanos + sourceNanos), ts,
                clockRates[media]));
    }

    /**
     * As {@link #unit}, for a unit whose RTP timestamp is known exactly but whose full time only
     * approximately (MPEG-TS: a PES's unwrapped PTS, while the frames inside it are counted in samples):
     * the exact ticks are the approximation corrected by the signed 32-bit difference to the timestamp.
     *
     * @param approxTicks the unit's time in the media's clock within ±2^31 ticks of the truth
     */
    public void unitNear(int media, long rtpTimestamp, long approxTicks, long receivedNanos) {
        unit(media, approxTicks + (int) (rtpTimestamp - approxTicks), receivedNanos);
    }

    /** Ticks of a clock to nanoseconds, floor, without overflow for hours of 90 kHz or 48 kHz time. */
    static long nanos(long ticks, int rate) {
        return Math.floorDiv(ticks, rate) * NANOS_PER_SECOND + Math.floorMod(ticks, rate) * NANOS_PER_SECOND / rate;
    }
}
