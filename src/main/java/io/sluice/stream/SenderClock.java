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
    private final TimestampShift shift;

    /**
     * TimestampShift says how far the stream moves a media's RTP timestamps before fanning them out (a
     * stream that bridged a publisher's reconnect renumbers the new publisher's timestamps, see
     * {@code RtpContinuity}): a publisher's mapping is stored in the timestamps readers see.
     */
    @FunctionalInterface
    interface TimestampShift {
        /** Ticks added to the media's timestamps, or {@link #UNKNOWN} while not known yet. */
        long ticks(int media);

        long UNKNOWN = -1;
    }

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
        this(medias, m -> 0);
    }

    /** @param shift how the stream moves each media's timestamps after the publisher's mapping was made */
    SenderClock(int medias, TimestampShift shift) {
        this.mappings = new AtomicReferenceArray<>(medias);
        this.shift = shift;
    }

    /** Stores the latest mapping of a media; an out-of-range media is ignored (the publisher's bug, not ours). */
    public void set(int media, Mapping mapping) {
        if (media < 0 || media >= mappings.length()) {
            return;
        }
        long ticks = shift.ticks(media);
        if (ticks == TimestampShift.UNKNOWN) {
            return; // a new publisher's report before its first packet: its timestamps cannot be placed yet
        }
        if (ticks != 0) {
            mapping = new Mapping(mapping.ntp(), mapping.rtpTimestamp() + ticks, mapping.clockRate());
        }
        mappings.set(media, mapping);
    }

    /** Forgets every mapping: the publisher changed, and the next one states its own clock. */
    void clear() {
        for (int i = 0; i < mappings.length(); i++) {
            mappings.set(i, null);
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
