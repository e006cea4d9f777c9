package io.sluice.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.ConfLoader;
import io.sluice.conf.PathConf;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pools a reload keeps and drops, and a departure that does not bring a dropped pool back. */
class BalancedPoolsTest {
    private final BalancedPools pools = new BalancedPools(() -> Instant.parse("2026-01-01T00:00:00Z"));

    private static List<PathConf> entries(String yaml) throws Exception {
        return ConfLoader.parse(yaml, "test.yml").paths();
    }

    private List<String> listed() {
        return pools.stats().stream().map(s -> s.entry() + "/" + s.group()).toList();
    }

    @Test
    void aReloadDropsThePoolsOfRemovedEntriesRemovedGroupsAndGroupsNoLongerBalanced() throws Exception {
        pools.pool("~^cam", "a");
        pools.pool("~^cam", "b");
        pools.pool("~^cam", "c");
        pools.pool("~^mic", "a");
        pools.pool("~^gone", "a");
        pools.retain(entries("""
                paths:
                  "~^cam":
                    forwardGroups: {a: {mode: balance}, b: {mode: failover}}
                  "~^mic":
                    forwardGroups: {a: {mode: balance, rebalance: yes}}
                """));
        assertThat(listed()).containsExactly("~^cam/a", "~^mic/a");
    }

    @Test
    void aPathLeavingADroppedPoolDoesNotBringItBack() throws Exception {
        pools.pool("~^cam", "a");
        pools.retain(entries("paths:\n  \"~^cam\": {}\n"));
        pools.release("~^cam", "a", "cam1");
        assertThat(listed()).isEmpty();
    }
}
