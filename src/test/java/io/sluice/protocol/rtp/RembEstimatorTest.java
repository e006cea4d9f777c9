package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RembEstimatorTest {
    private static final long MS = 1_000_000L;
    private final RembEstimator e = new RembEstimator();
    private long now = 5_000 * MS;

    /** {@code kbps} for {@code ms}, in 1000-byte packets, abs-send-time as sent {@code queueMs} earlier... */
    private void send(int kbps, int ms, double queueGrowthPerPacketMs) {
        int packets = kbps * ms / 8000;
        long step = ms * MS / Math.max(1, packets);
        for (int i = 0; i < packets; i++) {
            now += step;
            long sent = now - (long) (queueGrowthPerPacketMs * i * MS);
            long abs = (sent << 18) / 1_000_000_000L & 0xffffff;
            e.received(1000, now, abs);
        }
    }

    @Test
    void measuresTheIncomingBitrate() {
        send(800, 1000, 0);
        assertThat(e.incomingBps(now)).isBetween(780_000L, 820_000L);
    }

    @Test
    void leavesHeadroomWhileHealthy() {
        send(800, 1000, 0);
        assertThat(e.update(now, 0)).isBetween((long) (1.5 * 780_000), (long) (1.5 * 820_000));
        send(400, 1000, 0);
        assertThat(e.update(now, 0)).as("never falls while healthy").isGreaterThan(1_100_000);
    }

    @Test
    void backsOffOnLoss() {
        send(800, 1000, 0);
        e.update(now, 0);
        send(800, 500, 0);
        assertThat(e.update(now, 0.2)).isBetween((long) (0.85 * 780_000), (long) (0.85 * 820_000));
    }

    @Test
    void holdsOnModerateLoss() {
        send(800, 1000, 0);
        long before = e.update(now, 0);
        send(2000, 500, 0);
        assertThat(e.update(now, 0.05)).isEqualTo(before);
    }

    @Test
    void backsOffWhenTheQueueGrows() {
        send(800, 1000, 0);
        e.update(now, 0);
        // each packet 1 ms later than the one before it: 50 packets in, the queue is 50 ms deep and growing
        send(800, 1000, 1.0);
        assertThat(e.update(now, 0)).isLessThan(800_000);
    }

    @Test
    void neverBelowTheFloor() {
        assertThat(e.update(now, 1.0)).isEqualTo(RembEstimator.MIN_BPS);
        assertThat(new RembEstimator().estimate()).isEqualTo(RembEstimator.START_BPS);
    }
}
