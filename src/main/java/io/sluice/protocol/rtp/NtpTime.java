package io.sluice.protocol.rtp;

/**
 * NtpTime converts between Unix time and the 64-bit NTP timestamps of RTCP sender reports
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-4">RFC 3550 §4</a>): 32 bits of seconds
 * since 1900-01-01 and 32 bits of fraction.
 *
 * <p>NTP values are unsigned 64-bit numbers held in a {@code long}; from 1968 to 2036 the seconds
 * field has its top bit set, so the {@code long} is negative: compare them with
 * {@link Long#compareUnsigned}. Era 1 (after 2036-02-07) is not supported, as in most RTP stacks.
 */
public final class NtpTime {

    /** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
    public static final long UNIX_EPOCH_SECONDS = 2_208_988_800L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private NtpTime() {
    }

    public static long fromUnixNanos(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND) + UNIX_EPOCH_SECONDS;
        long nanos = Math.floorMod(unixNanos, NANOS_PER_SECOND);
        // nanos < 2^30, so nanos << 32 cannot overflow
        return (seconds << 32) | ((nanos << 32) / NANOS_PER_SECOND);
    }

    public static long toUnixNanos(long ntp) {
        long seconds = (ntp >>> 32) - UNIX_EPOCH_SECONDS;
        long fraction = ntp & 0xffff_ffffL;
        // round to nearest so that fromUnixNanos/toUnixNanos round-trips exactly
        return seconds * NANOS_PER_SECOND + ((fraction * NANOS_PER_SECOND + (1L << 31)) >>> 32);
    }

    public static long fromUnixMillis(long unixMillis) {
        return fromUnixNanos(Math.multiplyExact(unixMillis, 1_000_000L));
    }

    public static long toUnixMillis(long ntp) {
        return Math.floorDiv(toUnixNanos(ntp), 1_000_000L);
    }

    /** The middle 32 bits, as carried in a receiver report's LSR field (RFC 3550 §6.4.1). */
    public static long middle32(long ntp) {
        return (ntp >>> 16) & 0xffff_ffffL;
    }

    /** A duration in units of 1/65536 s, as carried in a receiver report's DLSR field, saturated at 32 bits. */
    public static long toDlsr(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        if (nanos >= 1L << 47) {
            return 0xffff_ffffL; // nanos << 16 would overflow; the field saturates long before (18 h)
        }
        return Math.min((nanos << 16) / NANOS_PER_SECOND, 0xffff_ffffL);
    }
}
