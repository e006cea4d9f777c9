package io.sluice.forward.whip;

import io.sluice.conf.ForwardDest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * WhipSequences remembers, per forward target, the next RTP sequence number of each track, so that a
 * target's next session continues where the last one stopped: a remote that keeps its decoder across
 * our reconnects sees no jump, and its jitter buffer does not take new packets for very late ones.
 */
public final class WhipSequences {
    private final Map<ForwardDest, Map<Integer, Integer>> next = new ConcurrentHashMap<>();

    /** Per stream media, the sequence number to start at; empty for a target's first session. */
    Map<Integer, Integer> get(ForwardDest dest) {
        return next.getOrDefault(dest, Map.of());
    }

    void put(ForwardDest dest, Map<Integer, Integer> sequences) {
        next.put(dest, Map.copyOf(sequences));
    }
}
