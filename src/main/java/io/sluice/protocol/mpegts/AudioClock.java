package io.sluice.protocol.mpegts;

/**
 * AudioClock gives the RTP timestamps of consecutive audio frames. MPEG-TS stamps a PES, not each of
 * the frames inside it, and PTS are 90 kHz values that do not divide into sample counts, so the
 * clock counts samples from the first PTS and resyncs to a PES's PTS only when it is more than two
 * frames off (a gap, a restart): the timestamps then step by exactly one frame, as RTP receivers
 * expect, instead of jittering by a rounding tick.
 */
final class AudioClock {

    private final int sampleRate;
    private final int outRate;
    private long samples;
    private boolean started;

    /**
     * @param sampleRate rate the frame durations are counted in
     * @param outRate RTP clock rate of the timestamps (the sample rate, or 90000 for MPEG audio)
     */
    AudioClock(int sampleRate, int outRate) {
        this.sampleRate = sampleRate;
        this.outRate = outRate;
    }

    /** A PES starts; {@code pts90k} is its unwrapped PTS, {@code frameSamples} one frame's duration. */
    void sync(long pts90k, int frameSamples) {
        long fromPts = Math.floorDiv(pts90k * sampleRate, 90_000L);
        if (!started || Math.abs(samples - fromPts) > 2L * frameSamples) {
            samples = fromPts;
            started = true;
        }
    }

    /** Whether a PTS has set the clock: frames before that have no time. */
    boolean started() {
        return started;
    }

    /** The timestamp of the next frame, in the RTP clock; the clock then moves on by its samples. */
    long next(int frameSamples) {
        long ts = outRate == sampleRate ? samples : Math.floorDiv(samples * outRate, sampleRate);
        samples += frameSamples;
        return ts;
    }
}
