package io.sluice.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void firstRetryAfterTheConfiguredDelayThenDoublingUpToTheCap() {
        Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(30), new SplittableRandom(1));
        assertThat(b.delay(1)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
        assertThat(b.delay(2)).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4800));
        assertThat(b.delay(3)).isBetween(Duration.ofMillis(6400), Duration.ofMillis(9600));
        for (int i = 5; i < 100; i++) {
            assertThat(b.delay(i)).isLessThanOrEqualTo(Duration.ofSeconds(30)).isGreaterThan(Duration.ofSeconds(12));
        }
    }

    @Test
    void jitterSpreadsRetries() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), new SplittableRandom(7));
        long distinct = java.util.stream.IntStream.range(0, 20).mapToObj(i -> b.delay(1)).distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void capBelowFirstDelayIsRaisedToIt() {
        Backoff b = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), new SplittableRandom(3));
        assertThat(b.delay(4)).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }
}
