package io.sluice.protocol.rtp;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * KeyframeRequestLimiter lets at most one keyframe request (RTCP PLI or FIR, RFC 4585 §6.3.1,
 * RFC 5104 §4.3.1) per interval through to a publisher: every reader that joins or loses packets
 * asks for one, and a keyframe costs the publisher several times the bitrate of a delta frame.
 *
 * <p>Thread-safe and lock-free: readers call {@link #tryRequest} from their own threads.
 */
public final class KeyframeRequestLimiter {

    private static final long NEVER = Long.MIN_VALUE;

    private final InstantSource clock;
    private final long minIntervalNanos;
    private final AtomicLong lastNanos = new AtomicLong(NEVER);
    private final LongAdder requested = new LongAdder();
    private final LongAdder suppressed = new LongAdder();

    /** @throws IllegalArgumentException when {@code minInterval} is negative */
    public KeyframeRequestLimiter(InstantSource clock, Duration minInterval) {
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException("negative keyframe request interval " + minInterval);
        }
        this.clock = clock;
        this.minIntervalNanos = minInterval.toNanos();
    }

    /** True when the caller should send the request now; false when one was let through less than the interval ago. */
    public boolean tryRequest() {
        long now = nanos(clock.instant());
        while (true) {
            long last = lastNanos.get();
            long elapsed = now - last;
            // a clock that stepped back (elapsed < 0) must not block requests until it catches up
            if (last != NEVER && elapsed >= 0 && elapsed < minIntervalNanos) {
                suppressed.increment();
                return false;
            }
            if (lastNanos.compareAndSet(last, now)) {
                requested.increment();
                return true;
            }
        }
    }

    /** Requests let through. */
    public long requested() {
        return requested.sum();
    }

    /** Requests refused because one had just been let through. */
    public long suppressed() {
        return suppressed.sum();
    }

    private static long nanos(Instant t) {
        // saturates in 2262; the limiter only compares nearby instants
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
