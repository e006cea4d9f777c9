package io.sluice.stream;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * SenderClock holds, per media of a stream, the publisher's latest mapping of RTP time to wall-clock
 * (NTP) time: what an RTCP sender report says (RFC 3550 §6.4.1), or, for sources without RTCP (RTMP,
 * MPEG-TS), the source's own timeline. Senders build their sender reports from it, so the relative
 * timing of audio and video that the publisher stated reaches every reader and target unchanged
 * instead of being guessed again from arrival times at every hop.
 *
 * <p>Thread-safe: the publisher's ingest sets mappings, any sender reads them.
 */
public final class SenderClock {
    private final AtomicReferenceArray<Mapping> mappings;

    /**
     * One RTP↔NTP pair of one media.
     *
     * @param ntp 64-bit NTP timestamp (32 bits of seconds since 1900, 32 bits of fraction), unsigned
     *     in a {@code long}
     * @param rtpTimestamp the 32-bit RTP timestamp that corresponds to {@code ntp}
     * @param clockRate the media's RTP clock rate in Hz
     */
    public record Mapping(long ntp, long rtpTimestamp, int clockRate) {
        public Mapping {
            if (clockRate <= 0) {
                throw new IllegalArgumentException("clock rate " + clockRate + " is not positive");
            }
            rtpTimestamp &= 0xffff_ffffL;
        }

        /**
         * The NTP time of an RTP timestamp of this media: mapped NTP + (ts − mapped ts) / clock rate.
         * The difference is taken as a signed 32-bit step, so a timestamp that wrapped past 2^32 since
         * the mapping still maps forward; steps beyond ±2^31 ticks (6.6 h at 90 kHz) cannot be told
         * apart from wraps, which is why publishers refresh their mapping every few seconds.
         */
        public long ntpAt(long rtpTs) {
            long delta = (int) (rtpTs - rtpTimestamp);
            long seconds = Math.floorDiv(delta, clockRate);
            long rest = Math.floorMod(delta, clockRate); // rest < clockRate, so rest << 32 cannot overflow
            return ntp + (seconds << 32) + (rest << 32) / clockRate;
        }
    }

    /** @param medias how many medias the stream has */
    public SenderClock(int medias) {
        this.mappings = new AtomicReferenceArray<>(medias);
    }

    /** Stores the latest mapping of a media; an out-of-range media is ignored (the publisher's bug, not ours). */
    public void set(int media, Mapping mapping) {
        if (media >= 0 && media < mappings.length()) {
            mappings.set(media, mapping);
        }
    }

    /** The latest mapping of a media, or null while the publisher has given none. */
    public Mapping get(int media) {
        return media >= 0 && media < mappings.length() ? mappings.get(media) : null;
    }

    /** True when at least one media has a mapping. */
    public boolean any() {
        for (int i = 0; i < mappings.length(); i++) {
            if (mappings.get(i) != null) {
                return true;
            }
        }
        return false;
    }
}
