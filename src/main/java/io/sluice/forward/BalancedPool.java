package io.sluice.forward;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * BalancedPool is one balanced forward group ({@code forwardGroups: {NAME: {mode: balance}}}) of one path
 * entry, shared by every stream path that entry matches: it decides which member each path forwards through.
 * Members are the entry's targets with {@code group: NAME}, known by their target id (a target keeps its id
 * on every path, whatever $MTX_PATH or $G1 its URL expands to), so "member X" is the same target template on
 * every path.
 *
 * <p>The rule, in order:
 * <ol>
 *   <li>Sticky: a path keeps its member while that member works for it (its target is not in backoff or
 *       failed) and is still eligible (enabled, its {@code when:} holds).</li>
 *   <li>A new path, or one whose member failed, goes to the eligible member with the lowest
 *       (paths + 1) / weight; ties go to the lowest paths / weight, then the lowest kbit/s / weight (the
 *       bytes its targets sent over the last second, from their counters), then file order. A member
 *       whose target failed on some path is skipped until its retry time (its reconnectDelay, doubled after
 *       each failure up to reconnectMaxDelay), then takes new paths again; when every eligible member is
 *       waiting, a path stays on (or takes) one anyway and its target keeps retrying.</li>
 *   <li>With {@code rebalance: yes}, a path moves from the most loaded member to the least loaded one when
 *       that lowers the top paths/weight ((paths_to + 1) / weight_to &lt; paths_from / weight_from), one move
 *       at a time in the pool: make before break, the old member forwards until the new one does (the new
 *       one starts at a keyframe, as every target does).</li>
 * </ol>
 *
 * <p>Threads: called by the path managers (each under its own lock, on the forward tick); every method
 * locks this pool, which never calls back into a manager.
 */
public final class BalancedPool {
    /** A member as configured: its weight, retry delays and file order. */
    record Member(String id, int weight, Duration retryDelay, Duration retryMaxDelay, int order) {
    }

    /** What one path does this tick: forward through member; drain (still forwarding during a move) or null. */
    record Assignment(String member, String draining) {
    }

    /** A member's failures in a row and when it may take paths again. */
    private record Failure(int count, Instant retryAt) {
    }

    /**
     * A member's load as the API shows it.
     *
     * @param paths the stream paths assigned to it, sorted
     * @param kbps what its targets sent over the last second, summed over its paths
     * @param retryAt while it is skipped after a failure, when it takes paths again; else null
     */
    public record MemberLoad(String id, int weight, List<String> paths, long kbps, Instant retryAt) {
        public MemberLoad {
            paths = List.copyOf(paths);
        }
    }

    /** The pool as the API shows it. */
    public record PoolStats(String entry, String group, boolean rebalance, List<MemberLoad> members) {
        public PoolStats {
            members = List.copyOf(members);
        }
    }

    private final String entry;
    private final String group;
    private final InstantSource clock;
    private boolean rebalance;
    private Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, String> assigned = new HashMap<>();
    private final Map<String, Long> pathKbps = new HashMap<>();
    private final Map<String, Failure> failures = new HashMap<>();
    /** The path being moved by rebalance, and the member it leaves; null when none. */
    private String movingPath;
    private String movingFrom;

    BalancedPool(String entry, String group, InstantSource clock) {
        this.entry = entry;
        this.group = group;
        this.clock = clock;
    }

    /** The members and rebalance of the entry's configuration; a path's manager passes them on every tick. */
    synchronized void configure(List<Member> ms, boolean rebalanceOn) {
        Map<String, Member> next = new LinkedHashMap<>();
        for (Member m : ms) {
            next.put(m.id(), m);
        }
        members = next;
        rebalance = rebalanceOn;
        failures.keySet().retainAll(next.keySet());
    }

    /**
     * Decides where one path forwards this tick.
     *
     * @param path the stream path
     * @param states the state of this path's target of each eligible member, in file order (members whose
     *     {@code when:} fails or that are disabled are left out)
     * @param kbps what this path's current member's target sent over the last second
     * @return the member to run, and the one still draining during a rebalance move; null member when no
     *     member is eligible
     */
    synchronized Assignment assign(String path, Map<String, DestState> states, long kbps) {
        Instant now = clock.instant();
        for (Map.Entry<String, DestState> e : states.entrySet()) {
            if (e.getValue() == DestState.FORWARDING) {
                failures.remove(e.getKey());
            }
        }
        String cur = assigned.get(path);
        if (path.equals(movingPath)) {
            Assignment a = continueMove(path, cur, states, now);
            if (a != null) {
                return a;
            }
            cur = assigned.get(path);
        }
        pathKbps.put(path, kbps);
        if (cur != null && states.containsKey(cur) && !failing(states.get(cur))) {
            return rebalance ? maybeMove(path, cur, states, now) : new Assignment(cur, null);
        }
        if (cur != null && states.containsKey(cur)) {
            failed(cur, now);
        }
        String next = best(states, cur, now);
        if (next == null && cur != null && states.containsKey(cur)) {
            next = cur; // every eligible member waits: stay and keep retrying
        }
        if (next == null) {
            next = leastLoaded(states.keySet());
        }
        if (next == null) {
            release(path);
            return new Assignment(null, null);
        }
        assigned.put(path, next);
        return new Assignment(next, null);
    }

    /** A rebalance move of path in progress: done when the new member forwards, undone when it fails. */
    private Assignment continueMove(String path, String to, Map<String, DestState> states, Instant now) {
        String from = movingFrom;
        DestState toState = states.get(to);
        if (toState == DestState.FORWARDING || !states.containsKey(from)) {
            endMove();
            return null;
        }
        if (toState == null || failing(toState)) {
            if (toState != null) {
                failed(to, now);
            }
            assigned.put(path, from);
            endMove();
            return null;
        }
        return new Assignment(to, from);
    }

    private void endMove() {
        movingPath = null;
        movingFrom = null;
    }

    private Assignment maybeMove(String path, String cur, Map<String, DestState> states, Instant now) {
        if (movingPath != null || states.get(cur) != DestState.FORWARDING || !cur.equals(mostLoaded())) {
            return new Assignment(cur, null);
        }
        String to = best(states, cur, now);
        if (to == null) {
            return new Assignment(cur, null);
        }
        Member from = members.get(cur);
        Member dest = members.get(to);
        // strictly better, so that two members one path apart never trade a path back and forth
        if ((paths(to) + 1) * (long) from.weight() >= paths(cur) * (long) dest.weight()) {
            return new Assignment(cur, null);
        }
        assigned.put(path, to);
        movingPath = path;
        movingFrom = cur;
        return new Assignment(to, cur);
    }

    private String mostLoaded() {
        String top = null;
        for (Member m : members.values()) {
            if (top == null || paths(m.id()) * (long) members.get(top).weight() > paths(top) * (long) m.weight()) {
                top = m.id();
            }
        }
        return top;
    }

    private static boolean failing(DestState s) {
        return s == DestState.BACKOFF || s == DestState.FAILED;
    }

    private void failed(String member, Instant now) {
        Failure f = failures.get(member);
        if (f != null && now.isBefore(f.retryAt())) {
            return; // the same outage, seen from another path
        }
        Member m = members.get(member);
        int count = f == null ? 1 : f.count() + 1;
        Duration wait = m == null ? Duration.ofSeconds(2) : m.retryDelay();
        for (int i = 1; i < count && m != null && wait.compareTo(m.retryMaxDelay()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (m != null && wait.compareTo(m.retryMaxDelay()) > 0) {
            wait = m.retryMaxDelay();
        }
        failures.put(member, new Failure(count, now.plus(wait)));
    }

    /** The eligible member a path should take, skipping except and members waiting after a failure. */
    private String best(Map<String, DestState> states, String except, Instant now) {
        List<String> usable = new ArrayList<>();
        for (String id : states.keySet()) {
            Failure f = failures.get(id);
            if (!id.equals(except) && members.containsKey(id) && (f == null || !now.isBefore(f.retryAt()))) {
                usable.add(id);
            }
        }
        return leastLoaded(usable);
    }

    private String leastLoaded(Iterable<String> candidates) {
        String best = null;
        for (String id : candidates) {
            if (members.containsKey(id) && (best == null || lighter(id, best))) {
                best = id;
            }
        }
        return best;
    }

    /** Whether a takes the next path before b (see the class comment). */
    private boolean lighter(String a, String b) {
        Member ma = members.get(a);
        Member mb = members.get(b);
        int c = Long.compare((paths(a) + 1L) * mb.weight(), (paths(b) + 1L) * ma.weight());
        if (c == 0) {
            c = Long.compare((long) paths(a) * mb.weight(), (long) paths(b) * ma.weight());
        }
        if (c == 0) {
            c = Long.compare(kbps(a) * mb.weight(), kbps(b) * ma.weight());
        }
        return c < 0 || c == 0 && ma.order() < mb.order();
    }

    private int paths(String member) {
        int n = 0;
        for (String m : assigned.values()) {
            if (m.equals(member)) {
                n++;
            }
        }
        return n;
    }

    private long kbps(String member) {
        long sum = 0;
        for (Map.Entry<String, String> e : assigned.entrySet()) {
            if (e.getValue().equals(member)) {
                sum += pathKbps.getOrDefault(e.getKey(), 0L);
            }
        }
        return sum;
    }

    /** The path no longer forwards through the pool (its stream ended, its manager closed or was reconfigured). */
    synchronized void release(String path) {
        assigned.remove(path);
        pathKbps.remove(path);
        if (path.equals(movingPath)) {
            endMove();
        }
    }

    /** The member a path forwards through, or null. */
    synchronized String memberOf(String path) {
        return assigned.get(path);
    }

    synchronized boolean isEmpty() {
        return assigned.isEmpty();
    }

    synchronized PoolStats stats() {
        Instant now = clock.instant();
        List<MemberLoad> out = new ArrayList<>();
        for (Member m : members.values()) {
            List<String> ps = new ArrayList<>();
            assigned.forEach((p, id) -> {
                if (id.equals(m.id())) {
                    ps.add(p);
                }
            });
            ps.sort(null);
            Failure f = failures.get(m.id());
            out.add(new MemberLoad(m.id(), m.weight(), ps, kbps(m.id()),
                    f != null && now.isBefore(f.retryAt()) ? f.retryAt() : null));
        }
        return new PoolStats(entry, group, rebalance, out);
    }

    /** Paths per member id, for tests and logs. */
    synchronized Map<String, Integer> load() {
        Map<String, Integer> out = new TreeMap<>();
        for (Member m : members.values()) {
            out.put(m.id(), paths(m.id()));
        }
        return out;
    }
}
