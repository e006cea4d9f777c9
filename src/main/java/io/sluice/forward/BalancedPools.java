package io.sluice.forward;

import io.sluice.conf.ForwardGroup;
import io.sluice.conf.PathConf;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BalancedPools holds the {@link BalancedPool} of every (path entry, balanced group) pair, so that the forward
 * managers of all the stream paths a "~regex" entry matches share one pool. Owned by the path manager; a pool
 * lives while its entry has the group in balance mode: a reload that removes the entry or the group, or makes it
 * a failover group, drops the pool ({@link #retain}), so the API no longer lists it.
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

    /**
     * A path leaves the pool of its entry's group, if the pool is still there (a reload may have dropped it; a
     * departure must not bring it back).
     */
    synchronized void release(String entry, String group, String pathName) {
        Map<String, BalancedPool> groups = pools.get(entry);
        BalancedPool pool = groups == null ? null : groups.get(group);
        if (pool != null) {
            pool.release(pathName);
        }
    }

    /** Keeps only the pools of the balanced groups of {@code entries} (the configuration a reload applies). */
    public synchronized void retain(List<PathConf> entries) {
        Map<String, PathConf> byName = new LinkedHashMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        pools.entrySet().removeIf(byEntry -> {
            PathConf e = byName.get(byEntry.getKey());
            byEntry.getValue().keySet().removeIf(g -> e == null
                    || e.forwardGroup(g).mode() != ForwardGroup.Mode.BALANCE);
            return byEntry.getValue().isEmpty();
        });
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
