package io.sluice.protocol.rtp;

import org.junit.jupiter.api.Test;

import static io.sluice.protocol.rtp.RtpSequenceTracker.Result.FIRST;
import static io.sluice.protocol.rtp.RtpSequenceTracker.Result.GAP;
import static io.sluice.protocol.rtp.RtpSequenceTracker.Result.IN_ORDER;
import static io.sluice.protocol.rtp.RtpSequenceTracker.Result.LATE;
import static io.sluice.protocol.rtp.RtpSequenceTracker.Result.RESTART;
import static org.assertj.core.api.Assertions.assertThat;

class RtpSequenceTrackerTest {

    @Test
    void extendsAcrossRollover() {
        RtpSequenceTracker t = new RtpSequenceTracker();
        assertThat(t.push(65534)).isEqualTo(FIRST);
        assertThat(t.push(65535)).isEqualTo(IN_ORDER);
        assertThat(t.push(0)).isEqualTo(IN_ORDER);
        assertThat(t.push(1)).isEqualTo(IN_ORDER);
        assertThat(t.extendedHighest()).isEqualTo(65536 + 1);
        assertThat(t.cumulativeLost()).isZero();
    }

    @Test
    void gapsLateAndDuplicates() {
        RtpSequenceTracker t = new RtpSequenceTracker();
        t.push(100);
        assertThat(t.push(103)).isEqualTo(GAP);
        assertThat(t.lastGap()).isEqualTo(2);
        assertThat(t.cumulativeLost()).isEqualTo(2);
        assertThat(t.push(101)).isEqualTo(LATE);
        assertThat(t.cumulativeLost()).isEqualTo(1);
        assertThat(t.push(103)).isEqualTo(LATE);
        assertThat(t.push(104)).isEqualTo(IN_ORDER);
        assertThat(t.lastGap()).isZero();
    }

    @Test
    void bigJumpIsARestart() {
        RtpSequenceTracker t = new RtpSequenceTracker();
        t.push(10);
        assertThat(t.push(10 + RtpSequenceTracker.MAX_DROPOUT + 1)).isEqualTo(RESTART);
        assertThat(t.cumulativeLost()).isZero();
        assertThat(t.push(10)).isEqualTo(RESTART);
    }

    @Test
    void fractionLostPerInterval() {
        RtpSequenceTracker t = new RtpSequenceTracker();
        for (int s = 0; s < 100; s++) {
            if (s % 4 != 3) {
                t.push(s);
            }
        }
        // 99 expected (0..98 highest 98), 75 received
        assertThat(t.fractionLostSinceLastCall()).isEqualTo((24 << 8) / 99);
        t.push(100);
        t.push(101);
        assertThat(t.fractionLostSinceLastCall()).isEqualTo((1 << 8) / 3); // 99 lost of 99..101
        assertThat(t.fractionLostSinceLastCall()).isZero();
    }

    @Test
    void jitterOfConstantDelayIsZero() {
        RtpSequenceTracker t = new RtpSequenceTracker();
        for (int i = 0; i < 50; i++) {
            t.updateJitter(i * 3000L, 1_000_000 + i * 3000L);
        }
        assertThat(t.jitter()).isZero();
        for (int i = 50; i < 500; i++) {
            t.updateJitter(i * 3000L, 1_000_000 + i * 3000L + (i % 2) * 160);
        }
        assertThat(t.jitter()).isBetween(150L, 160L);
    }
}
