package io.sluice.protocol.rtp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NtpTimeTest {

    @Test
    void unixEpochIsNtpSeconds2208988800() {
        assertThat(NtpTime.fromUnixMillis(0)).isEqualTo(2_208_988_800L << 32);
        assertThat(NtpTime.toUnixMillis(2_208_988_800L << 32)).isZero();
    }

    @Test
    void halfSecondIsHalfTheFraction() {
        assertThat(NtpTime.fromUnixMillis(1500) & 0xffffffffL).isEqualTo(1L << 31);
        assertThat(NtpTime.fromUnixMillis(1500) >>> 32).isEqualTo(2_208_988_801L);
    }

    @Test
    void nanosRoundTripIn2026() {
        long nanos = 1_764_000_000_123_456_789L;
        long ntp = NtpTime.fromUnixNanos(nanos);
        assertThat(ntp).as("top bit set until 2036").isNegative();
        assertThat(NtpTime.toUnixNanos(ntp)).isEqualTo(nanos);
        assertThat(NtpTime.toUnixMillis(ntp)).isEqualTo(1_764_000_000_123L);
    }

    @Test
    void lsrAndDlsr() {
        assertThat(NtpTime.middle32(0x1122334455667788L)).isEqualTo(0x33445566L);
        assertThat(NtpTime.toDlsr(1_000_000_000L)).isEqualTo(65536);
        assertThat(NtpTime.toDlsr(-5)).isZero();
        assertThat(NtpTime.toDlsr(Long.MAX_VALUE)).isEqualTo(0xffffffffL);
    }
}
