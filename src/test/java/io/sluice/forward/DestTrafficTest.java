package io.sluice.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a target drops on purpose (a WHIP target's keyframe-only mode) counts in its dropped packets. */
class DestTrafficTest {
    @Test
    void policyDropsOfTheLinkCountAsDropped() {
        DestTraffic t = new DestTraffic();
        t.link(() -> Map.of(DestTraffic.CHOSEN_DROPS, 42L, "rttMs", 3.5));
        DestTraffic.Snapshot s = t.snapshot(true);
        assertThat(s.dropped()).isEqualTo(42);
        assertThat(s.figures()).containsEntry(DestTraffic.CHOSEN_DROPS, 42L);
    }

    @Test
    void aLinkWithoutThemAddsNothing() {
        DestTraffic t = new DestTraffic();
        t.link(() -> Map.of("rttMs", 3.5));
        assertThat(t.snapshot(true).dropped()).isZero();
    }
}
