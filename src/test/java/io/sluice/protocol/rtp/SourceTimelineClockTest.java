package io.sluice.protocol.rtp;

import io.sluice.stream.SenderClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceTimelineClockTest {

    /** NTP seconds (with fraction) that a media's mapping gives to one of its timestamps. */
    private static double seconds(SenderClock c, int media, long ts) {
        long ntp = c.get(media).ntpAt(ts & 0xffffffffL);
        return (ntp >>> 32) + (ntp & 0xffffffffL) / 4294967296.0;
    }

    @Test
    void mediasShareTheSourceOrigin() {
        SenderClock c = new SenderClock(2);
        SourceTimelineClock t = new SourceTimelineClock(c, new int[] {90000, 44100});
        long now = System.nanoTime();
        t.unit(0, 90_000 * 10L, now); // video at source time 10 s
        // audio arrives 700 ms later (interleaving), but is stamped 10.2 s: 200 ms after that video
        t.unit(1, 44_100 * 102L / 10, now + 700_000_000L);
        assertThat(seconds(c, 1, 44_100 * 102L / 10) - seconds(c, 0, 90_000 * 10L))
                .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void timestampsBeyond32BitsKeepTheOffset() {
        // an MPEG-TS source whose 33-bit PTS is past 2^32: video timestamps wrapped, audio's did not
        SenderClock c = new SenderClock(2);
        SourceTimelineClock t = new SourceTimelineClock(c, new int[] {90000, 48000});
        long pts = (1L << 32) + 900_000;
        pts -= pts % 15; // a whole number of 48 kHz samples (90000/48000 = 15/8)
        long now = System.nanoTime();
        t.unitNear(0, pts & 0xffffffffL, pts, now);
        long audioTs = Math.floorDiv(pts * 48000, 90000) + 4800; // 100 ms later
        // the approximation from the PES PTS is two AAC frames off; the exact timestamp wins
        t.unitNear(1, audioTs & 0xffffffffL, audioTs - 2048, now);
        assertThat(seconds(c, 1, audioTs) - seconds(c, 0, pts)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void mappingIsRefreshedFarFromTheLastOne() {
        SenderClock c = new SenderClock(1);
        SourceTimelineClock t = new SourceTimelineClock(c, new int[] {90000});
        long now = System.nanoTime();
        t.unit(0, 0, now);
        SenderClock.Mapping first = c.get(0);
        t.unit(0, 90_000, now);
        assertThat(c.get(0)).isSameAs(first);
        long far = (1L << 30) + 5;
        t.unit(0, far, now);
        assertThat(c.get(0)).isNotSameAs(first);
        assertThat(c.get(0).rtpTimestamp()).isEqualTo(far);
        // the same origin: equal up to nanosecond rounding (an NTP unit is 0.23 ns)
        assertThat(c.get(0).ntp() - first.ntpAt(far)).isBetween(-10L, 10L);
        // 5 h later (past ±2^31 of the first mapping), time still maps forward from the refreshed one
        long later = 90_000L * 3600 * 5;
        assertThat(seconds(c, 0, later) - seconds(c, 0, far)).isCloseTo((later - far) / 90000.0,
                org.assertj.core.data.Offset.offset(1e-6));
    }
}
