package io.sluice.net;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Backoff computes the wait before a reconnect attempt: the configured delay first, then doubling up
 * to a cap, each with ±20% jitter so that many targets dropped by one outage do not reconnect in step.
 * Forward targets and pull sources reconnect alike, so both runners use it.
 */
public final class Backoff {
    static final double JITTER = 0.2;

    private final Duration first;
    private final Duration max;
    private final RandomGenerator random;

    public Backoff(Duration first, Duration max, RandomGenerator random) {
        this.first = first;
        this.max = max.compareTo(first) < 0 ? first : max;
        this.random = random;
    }

    /**
     * The wait before retry number {@code failures} (1 = first retry after the first failure).
     */
    public Duration delay(int failures) {
        double base = first.toNanos() * Math.pow(2, Math.max(0, failures - 1));
        base = Math.min(base, max.toNanos());
        double jittered = base * (1 - JITTER + 2 * JITTER * random.nextDouble());
        return Duration.ofNanos((long) Math.min(jittered, max.toNanos()));
    }
}
