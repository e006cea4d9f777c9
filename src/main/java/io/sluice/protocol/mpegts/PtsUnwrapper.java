package io.sluice.protocol.mpegts;

/**
 * PtsUnwrapper extends 33-bit PTS/DTS values, which wrap every 26.5 hours, into a continuous count,
 * so that durations and sample counts stay right across the wrap. Each value is taken as the nearest
 * one to the previous value, so it works across the interleaved audio and video of one program.
 */
final class PtsUnwrapper {

    private static final long WRAP = 1L << 33;
    private static final long MASK = WRAP - 1;
    private long last = Long.MIN_VALUE;

    /** The unwrapped value of a 33-bit time stamp. */
    long unwrap(long ts33) {
        if (last == Long.MIN_VALUE) {
            last = ts33;
            return ts33;
        }
        long delta = (ts33 - last) & MASK;
        if (delta >= WRAP / 2) {
            delta -= WRAP;
        }
        last += delta;
        return last;
    }
}
