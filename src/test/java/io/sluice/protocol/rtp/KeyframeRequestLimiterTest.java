package io.sluice.protocol.rtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class KeyframeRequestLimiterTest {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final InstantSource clock = () -> now;

    @Test
    void oneRequestPerInterval() {
        KeyframeRequestLimiter l = new KeyframeRequestLimiter(clock, Duration.ofSeconds(1));
        assertThat(l.tryRequest()).isTrue();
        assertThat(l.tryRequest()).isFalse();
        now = now.plusMillis(999);
        assertThat(l.tryRequest()).isFalse();
        now = now.plusMillis(1);
        assertThat(l.tryRequest()).isTrue();
        assertThat(l.tryRequest()).isFalse();
        assertThat(l.requested()).isEqualTo(2);
        assertThat(l.suppressed()).isEqualTo(3);
    }

    @Test
    void aClockSteppingBackDoesNotBlockRequests() {
        KeyframeRequestLimiter l = new KeyframeRequestLimiter(clock, Duration.ofSeconds(1));
        assertThat(l.tryRequest()).isTrue();
        now = now.minusSeconds(3600);
        assertThat(l.tryRequest()).isTrue();
        assertThat(l.tryRequest()).isFalse();
    }

    @Test
    @Timeout(10)
    void manyThreadsGetOneRequestThrough() throws Exception {
        KeyframeRequestLimiter l = new KeyframeRequestLimiter(clock, Duration.ofSeconds(1));
        AtomicInteger granted = new AtomicInteger();
        try (ExecutorService ex = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                ex.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        if (l.tryRequest()) {
                            granted.incrementAndGet();
                        }
                    }
                });
            }
        }
        assertThat(granted).hasValue(1);
        assertThat(l.requested()).isEqualTo(1);
        assertThat(l.suppressed()).isEqualTo(80_000 - 1);
    }
}
