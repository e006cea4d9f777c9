package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RtpTimelineTest {
    private static final long MS = 1_000_000;

    @Test
    void eachMediaIsAnchoredAtTheArrivalOfItsFirstUnit() {
        RtpTimeline t = new RtpTimeline(2);
        long t0 = 5_000 * MS;
        assertThat(t.time(0, 1_000_000, 90_000, t0, 90_000)).isZero();
        // audio arrives 40 ms later with an unrelated timestamp origin
        assertThat(t.time(1, 77, 48_000, t0 + 40 * MS, 90_000)).isEqualTo(3_600);
        // from then on only the RTP timestamps count, not arrival jitter
        assertThat(t.time(0, 1_003_000, 90_000, t0 + 90 * MS, 90_000)).isEqualTo(3_000);
        assertThat(t.time(1, 77 + 960, 48_000, t0 + 41 * MS, 90_000)).isEqualTo(3_600 + 1_800);
        assertThat(t.time(1, 77 + 1920, 48_000, t0 + 41 * MS, 1000)).isEqualTo(40 + 40);
    }

    @Test
    void followsWrapAroundAndStepsBack() {
        RtpTimeline t = new RtpTimeline(1);
        long start = 0xFFFF_FF00L;
        assertThat(t.time(0, start, 90_000, 0, 90_000)).isZero();
        assertThat(t.time(0, 0x100, 90_000, 0, 90_000)).as("past 2^32").isEqualTo(0x200);
        assertThat(t.time(0, 0x80, 90_000, 0, 90_000)).as("a B-frame before it").isEqualTo(0x180);
        assertThat(t.time(0, start - 3000, 90_000, 0, 90_000)).as("before the first").isEqualTo(-3000);
    }

    @Test
    void aLateFirstUnitOfHoursDoesNotOverflow() {
        RtpTimeline t = new RtpTimeline(2);
        t.time(0, 0, 90_000, 0, 90_000);
        long hours48 = 48L * 3600 * 1000 * MS;
        assertThat(t.time(1, 0, 48_000, hours48, 90_000)).isEqualTo(48L * 3600 * 90_000);
    }
}
