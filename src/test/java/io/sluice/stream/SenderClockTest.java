package io.sluice.stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SenderClockTest {
    /** 2026-12-07 00:00:00 UTC as NTP seconds, with a half-second fraction. */
    private static final long NTP = ((1_796_601_600L + 2_208_988_800L) << 32) | (1L << 31);

    @Test
    void sameTimestampIsTheMappedNtp() {
        var m = new SenderClock.Mapping(NTP, 1000, 90000);
        assertThat(m.ntpAt(1000)).isEqualTo(NTP);
    }

    @Test
    void oneSecondLaterAndEarlier() {
        var m = new SenderClock.Mapping(NTP, 1_000_000, 90000);
        assertThat(m.ntpAt(1_090_000)).isEqualTo(NTP + (1L << 32));
        assertThat(m.ntpAt(910_000)).isEqualTo(NTP - (1L << 32));
    }

    @Test
    void fractionOfASecond() {
        var m = new SenderClock.Mapping(NTP, 0, 48000);
        // 12 ms at 48 kHz = 576 samples; 0.012 * 2^32 = 51539607.552
        assertThat(m.ntpAt(576) - NTP).isEqualTo(51_539_607L);
        assertThat(NTP - m.ntpAt(-576 & 0xffffffffL)).isEqualTo(51_539_608L); // floor, one tick off
    }

    @Test
    void wrapAroundMapsForward() {
        // mapped just before 2^32, the timestamp wrapped since: 100 + 200 ticks later
        var m = new SenderClock.Mapping(NTP, 0xffff_ffffL - 99, 90000);
        assertThat(m.ntpAt(200)).isEqualTo(m.ntpAt(0xffff_ffffL - 99 + 300 - (1L << 32)));
        assertThat(m.ntpAt(89_900)).isEqualTo(NTP + (1L << 32));
    }

    @Test
    void wrapAroundMapsBackward() {
        // mapped just after the wrap, a B-frame or a late packet from before it
        var m = new SenderClock.Mapping(NTP, 50, 90000);
        assertThat(m.ntpAt(0xffff_ffffL - 89_949)).isEqualTo(NTP - (1L << 32));
    }

    @Test
    void timestampIsTakenModulo2pow32() {
        var m = new SenderClock.Mapping(NTP, (1L << 32) + 5, 8000);
        assertThat(m.rtpTimestamp()).isEqualTo(5);
    }

    @Test
    void rejectsZeroClockRate() {
        assertThatThrownBy(() -> new SenderClock.Mapping(NTP, 0, 0)).hasMessageContaining("clock rate 0");
    }

    @Test
    void holdsLatestPerMedia() {
        SenderClock c = new SenderClock(2);
        assertThat(c.any()).isFalse();
        assertThat(c.get(1)).isNull();
        c.set(1, new SenderClock.Mapping(NTP, 1, 90000));
        c.set(1, new SenderClock.Mapping(NTP, 2, 90000));
        c.set(7, new SenderClock.Mapping(NTP, 3, 90000)); // no such media: ignored
        assertThat(c.any()).isTrue();
        assertThat(c.get(0)).isNull();
        assertThat(c.get(1).rtpTimestamp()).isEqualTo(2);
        assertThat(c.get(7)).isNull();
    }
}
