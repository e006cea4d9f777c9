package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RTT from LSR/DLSR against when the sender report left, whatever NTP timeline the report carried. */
class SenderReportTimesTest {
    private static final long MS = 1_000_000L;

    @Test
    void rttIsArrivalLessSendLessTheReceiversDelay() {
        SenderReportTimes t = new SenderReportTimes();
        // the publisher's NTP timeline: years away from this clock, which must not matter
        long ntp = 0x1234_5678_9abc_def0L;
        t.sent(ntp, 1000 * MS);
        long dlsr = 65536 / 2; // the receiver held it 500 ms
        assertThat(t.rttNanos(NtpTime.middle32(ntp), dlsr, 1540 * MS)).isEqualTo(40 * MS);
    }

    @Test
    void unknownOrMissingReportsGiveNothing() {
        SenderReportTimes t = new SenderReportTimes();
        t.sent(0x0000_0001_0002_0000L, 0);
        assertThat(t.rttNanos(0, 0, 10 * MS)).as("no SR received yet").isEqualTo(-1);
        assertThat(t.rttNanos(0x9999, 0, 10 * MS)).as("not one of ours").isEqualTo(-1);
        assertThat(t.rttNanos(0x0001_0002L, 65536, 10 * MS)).as("negative").isEqualTo(-1);
    }

    @Test
    void keepsTheLastSixteenReports() {
        SenderReportTimes t = new SenderReportTimes();
        for (int i = 1; i <= 20; i++) {
            t.sent((long) i << 16, i * MS);
        }
        assertThat(t.rttNanos(1, 0, 100 * MS)).as("overwritten").isEqualTo(-1);
        assertThat(t.rttNanos(20, 0, 100 * MS)).isEqualTo(80 * MS);
        assertThat(t.rttNanos(5, 0, 100 * MS)).isEqualTo(95 * MS);
    }
}
