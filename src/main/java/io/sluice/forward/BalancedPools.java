package io.sluice.forward;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BalancedPools holds the {@link BalancedPool} of every (path entry, balanced group) pair, so that the forward
 * managers of all the stream paths a "~regex" entry matches share one pool. Owned by the path manager; a pool
 * lives as long as the server (a handful of records per configured group).
 */
public final class BalancedPools {
    private final InstantSource clock;
    /** Guarded by this; keyed by entry name, then group name. */
    private final Map<String, Map<String, BalancedPool>> pools = new LinkedHashMap<>();

    public BalancedPools(InstantSource clock) {
        this.clock = clock;
    }

    /** The pool of a path entry's group, created on first use. */
    synchronized BalancedPool pool(String entry, String group) {
        return pools.computeIfAbsent(entry, e -> new LinkedHashMap<>())
                .computeIfAbsent(group, g -> new BalancedPool(entry, g, clock));
    }

    /** Every pool's members and their load, by entry and then group in the order they were first used. */
    public List<BalancedPool.PoolStats> stats() {
        List<BalancedPool> all = new ArrayList<>();
        synchronized (this) {
            pools.values().forEach(m -> all.addAll(m.values()));
        }
        return all.stream().map(BalancedPool::stats).toList();
    }
}
