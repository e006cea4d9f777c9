package io.sluice.forward;

import io.netty.channel.EventLoop;
import io.sluice.conf.ForwardDest;
import io.sluice.conf.ForwardGroup;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.QualityFigures;
import io.sluice.stream.Stream;
import io.sluice.threads.SluiceThreads;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ForwardManager owns the forward targets of one path: it runs one {@link DestRunner} per enabled
 * target while the path has a stream, and on reload restarts only the targets whose configuration
 * record changed.
 *
 * <p>Two rules decide which enabled targets run, evaluated when the stream comes and every
 * {@link #TICK_MS} ms while it lasts (only for paths that use them):
 * <ul>
 *   <li>{@code when:} conditions (readers, time window, codec, and the stream's quality: bitrate, picture
 *       size, frame rate, from {@link io.sluice.stream.QualityMeter}): a target runs only while they hold;
 *       with a {@code hold}, a change of outcome counts only once it has lasted that long ({@link ConditionHold});</li>
 *   <li>failover {@code group}s: members are tried in order and one forwards at a time. When the forwarding
 *       member fails (backoff), the next one starts at once; a failed member keeps retrying, and when an
 *       earlier member forwards again the later ones stop (make before break: both forward for at most one
 *       tick during the switch back).</li>
 *   <li>balanced groups ({@code forwardGroups: {NAME: {mode: balance}}}): the path forwards through the one
 *       member its entry's {@link BalancedPool} gives it; the pool is shared by every path of the entry.</li>
 * </ul>
 */
public final class ForwardManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardManager.class);
    static final long TICK_MS = 250;
    /** Ticks the rules; shared by every path's manager (evaluating them takes microseconds), owned by the caller. */
    private final ScheduledExecutorService ticker;

    private final String pathName;
    /** The path entry's name: paths of one entry share its balanced pools. */
    private final String entry;
    private final BalancedPools pools;
    /** Guarded by this: the entry's forwardGroups. */
    private Map<String, ForwardGroup> groupConf;
    /** Guarded by this: the member each balanced group forwards through, to log changes. */
    private final Map<String, String> balancedTo = new HashMap<>();
    private final Function<ForwardDest, Dest> factory;
    private int defaultQueue;
    private final InstantSource clock;
    private final IntSupplier readers;
    private final ExecutorService executor;
    /** Guarded by this; keyed by target id, in configuration order. */
    private final Map<String, DestRunner> runners = new LinkedHashMap<>();
    /** Why an enabled target does not run, by id; read by anyone. */
    private final Map<String, String> waiting = new ConcurrentHashMap<>();
    /** Guarded by this: each conditional target's debounced when: outcome, by id, for the current stream. */
    private final Map<String, ConditionHold> holds = new java.util.HashMap<>();
    private Stream stream;
    private EventLoop loop;
    private ScheduledFuture<?> tick;
    private boolean closed;

    /**
     * @param readers the number of local readers of the path (forward targets not counted), for
     *     {@code when: minReaders}
     */
    /**
     * @param ticker runs the 250 ms rule evaluation ({@code when:}, failover groups); the caller owns it and
     *     shuts it down after closing every manager that uses it
     */
    public ForwardManager(String pathName, List<ForwardDest> dests, Function<ForwardDest, Dest> factory,
            int defaultQueue, InstantSource clock, IntSupplier readers, ScheduledExecutorService ticker) {
        this(pathName, dests, factory, defaultQueue, clock, readers, ticker, pathName, Map.of(),
                new BalancedPools(clock));
    }

    /**
     * @param entry the name of the path entry the path falls under
     * @param groups the entry's forwardGroups (a group not listed is a failover group)
     * @param pools the balanced pools of the server, shared by every path's manager
     */
    public ForwardManager(String pathName, List<ForwardDest> dests, Function<ForwardDest, Dest> factory,
            int defaultQueue, InstantSource clock, IntSupplier readers, ScheduledExecutorService ticker,
            String entry, Map<String, ForwardGroup> groups, BalancedPools pools) {
        this.pathName = pathName;
        this.entry = entry;
        this.groupConf = Map.copyOf(groups);
        this.pools = pools;
        this.ticker = ticker;
        this.factory = factory;
        this.defaultQueue = defaultQueue;
        this.clock = clock;
        this.readers = readers;
        this.executor = SluiceThreads.perTaskVirtual("fwd-" + pathName.replace('/', '_'));
        for (ForwardDest d : dests) {
            runners.put(d.id(), new DestRunner(pathName, d, factory, clock));
        }
    }


    /** The path has a stream: start every enabled target whose rules allow it. */
    public synchronized void streamReady(Stream s, EventLoop publisherLoop) {
        if (closed) {
            return;
        }
        stopAll();
        this.stream = s;
        this.loop = publisherLoop;
        evaluate();
        scheduleTicks();
    }

    /** The path's stream went away: stop every target (they start again with the next stream). */
    public synchronized void streamGone() {
        stream = null;
        loop = null;
        cancelTicks();
        stopAll();
        waiting.clear();
        holds.clear();
        leavePools();
    }

    /**
     * The publisher left but the path keeps its stream for a new publisher (publisherGrace): running
     * targets keep their sessions and show as bridging.
     */
    public synchronized void publisherAway() {
        for (DestRunner r : runners.values()) {
            r.publisherAway();
        }
    }

    /**
     * A new publisher took the stream over: the targets that kept their sessions count one bridged gap.
     * Their sockets stay on the old publisher's event loop (packets then reach them through their queues);
     * targets that start from now on use the new publisher's loop.
     */
    public synchronized void publisherBack(EventLoop publisherLoop) {
        if (stream != null) {
            loop = publisherLoop;
        }
        for (DestRunner r : runners.values()) {
            r.publisherBack();
        }
    }

    private void stopAll() {
        for (DestRunner r : runners.values()) {
            r.stop();
        }
    }

    private boolean hasRules() {
        for (DestRunner r : runners.values()) {
            if (!r.conf().group().isEmpty() || !r.conf().when().always()) {
                return true;
            }
        }
        return false;
    }

    private void scheduleTicks() {
        cancelTicks();
        if (stream != null && hasRules()) {
            tick = ticker.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void cancelTicks() {
        if (tick != null) {
            tick.cancel(false);
            tick = null;
        }
    }

    private synchronized void tick() {
        evaluate();
    }

    /** Starts and stops runners as the rules say. Called with the lock held. */
    private void evaluate() {
        if (stream == null || closed) {
            return;
        }
        int n = readers.getAsInt();
        LocalTime now = LocalTime.ofInstant(clock.instant(), ZoneId.systemDefault());
        Set<String> codecs = new HashSet<>();
        for (MediaDesc m : stream.desc().medias()) {
            codecs.add(m.format().codec().name());
        }
        QualityFigures figures = null;
        long nowMillis = clock.millis();
        Map<String, List<DestRunner>> groups = new LinkedHashMap<>();
        for (DestRunner r : runners.values()) {
            ForwardDest d = r.conf();
            if (!d.enable()) {
                waiting.remove(d.id());
                continue;
            }
            String unmet = d.when().unmet(n, now, codecs);
            if (unmet.isEmpty() && d.when().hasQuality()) {
                if (figures == null) {
                    figures = stream.quality().figures(System.nanoTime());
                }
                unmet = d.when().unmetQuality(figures.bitrateKbps(), figures.width(), figures.height(), figures.fps());
            }
            String held = held(d, unmet, nowMillis);
            if (held != null) {
                r.stop();
                waiting.put(d.id(), held);
            } else if (!d.group().isEmpty()) {
                groups.computeIfAbsent(d.group(), g -> new ArrayList<>()).add(r);
            } else {
                waiting.remove(d.id());
                start(r);
            }
            if (held == null && !unmet.isEmpty()) {
                // runs while the failure is held: the stats say why it is about to stop
                waiting.put(d.id(), unmet + " " + holds.get(d.id()).progress(d.when().hold()));
            }
        }
        for (String g : groupConf.keySet()) {
            if (balanced(g) && !groups.containsKey(g)) {
                leavePool(g); // no member is eligible here now
            }
        }
        groups.forEach((g, members) -> {
            if (balanced(g)) {
                balance(g, members);
            } else {
                failover(g, members);
            }
        });
    }

    private boolean balanced(String group) {
        ForwardGroup g = groupConf.get(group);
        return g != null && g.mode() == ForwardGroup.Mode.BALANCE;
    }

    /**
     * Runs the member of a balanced group that the entry's pool gives this path (and, during a rebalance
     * move, the one it leaves, until the new one forwards); the other eligible members stop and say where the
     * path went.
     */
    private void balance(String group, List<DestRunner> eligible) {
        BalancedPool pool = pools.pool(entry, group);
        List<BalancedPool.Member> all = new ArrayList<>();
        int order = 0;
        for (DestRunner r : runners.values()) {
            ForwardDest d = r.conf();
            if (d.group().equals(group) && d.enable()) {
                all.add(new BalancedPool.Member(d.id(), d.weight(), d.reconnectDelay(), d.reconnectMaxDelay(), order));
            }
            order++;
        }
        pool.configure(all, groupConf.get(group).rebalance());
        Map<String, DestState> states = new LinkedHashMap<>();
        for (DestRunner m : eligible) {
            states.put(m.conf().id(), m.state());
        }
        DestRunner cur = runners.get(pool.memberOf(pathName) == null ? "" : pool.memberOf(pathName));
        BalancedPool.Assignment a = pool.assign(pathName, states, cur == null ? 0 : sentKbps(cur));
        String before = balancedTo.put(group, a.member());
        if (a.member() != null && !a.member().equals(before)) {
            LOG.info("[path {}] balanced group {}: forwarding through member {}{}", pathName, group, a.member(),
                    before == null ? "" : " (was " + before + ", " + states.get(before) + ")");
        }
        for (DestRunner m : eligible) {
            String id = m.conf().id();
            if (id.equals(a.member()) || id.equals(a.draining())) {
                waiting.remove(id);
                start(m);
            } else {
                m.stop();
                waiting.put(id, "balanced to member " + a.member());
            }
        }
    }

    private static long sentKbps(DestRunner r) {
        Number n = r.stats().link().get("bitrateKbps");
        return n == null ? 0 : n.longValue();
    }

    private void leavePool(String group) {
        pools.release(entry, group, pathName);
        balancedTo.remove(group);
    }

    /** The path stops using every balanced pool (stream gone, closed, or the groups changed). */
    private void leavePools() {
        for (String g : groupConf.keySet()) {
            if (balanced(g)) {
                leavePool(g);
            }
        }
    }

    /**
     * Applies a target's hold to its outcome now: null when the target may run, else why it waits
     * ({@code unmet}, or how long its conditions have held so far while they must hold longer).
     */
    private String held(ForwardDest d, String unmet, long nowMillis) {
        java.time.Duration hold = d.when().hold();
        if (hold.isZero()) {
            return unmet.isEmpty() ? null : unmet;
        }
        ConditionHold h = holds.computeIfAbsent(d.id(), id -> new ConditionHold());
        if (h.update(unmet.isEmpty(), nowMillis, hold)) {
            return null;
        }
        return unmet.isEmpty() ? "conditions hold " + h.progress(hold) : unmet;
    }

    /**
     * Walks a group's eligible members in order: a forwarding member ends the walk and stops the later
     * ones; a failing one (backoff, failed) keeps retrying and the walk goes on to the next; one not yet
     * proven (connecting) ends the walk but lets a later member that forwards keep forwarding until it is.
     */
    private void failover(String group, List<DestRunner> members) {
        boolean settled = false;
        boolean keepForwarding = false;
        for (DestRunner m : members) {
            String id = m.conf().id();
            if (settled) {
                if (keepForwarding && m.state() == DestState.FORWARDING) {
                    waiting.remove(id);
                } else {
                    m.stop();
                    waiting.put(id, "standby in group " + group);
                }
                continue;
            }
            waiting.remove(id);
            start(m);
            DestState st = m.state();
            if (st == DestState.FORWARDING) {
                settled = true;
            } else if (st != DestState.BACKOFF && st != DestState.FAILED) {
                settled = true;
                keepForwarding = true;
            }
        }
    }

    private void start(DestRunner r) {
        r.start(stream, loop, defaultQueue, executor);
    }

    /**
     * Applies a new target list: targets whose record is unchanged keep running untouched; changed
     * ones restart; removed ones stop; new ones start if the stream is up and their rules allow it.
     */
    public synchronized void reload(List<ForwardDest> dests, int defaultQueue) {
        reload(dests, groupConf, defaultQueue);
    }

    /** As {@link #reload(List, int)}, with the entry's forwardGroups, which may have changed too. */
    public synchronized void reload(List<ForwardDest> dests, Map<String, ForwardGroup> groups, int defaultQueue) {
        if (!groups.equals(groupConf)) {
            leavePools();
            groupConf = Map.copyOf(groups);
        }
        this.defaultQueue = defaultQueue;
        Map<String, DestRunner> next = new LinkedHashMap<>();
        for (ForwardDest d : dests) {
            DestRunner old = runners.remove(d.id());
            if (old != null && old.conf().equals(d)) {
                next.put(d.id(), old);
                continue;
            }
            if (old != null) {
                old.close();
            }
            holds.remove(d.id());
            next.put(d.id(), new DestRunner(pathName, d, factory, clock));
        }
        for (DestRunner removed : runners.values()) {
            removed.close();
            waiting.remove(removed.conf().id());
            holds.remove(removed.conf().id());
        }
        runners.clear();
        runners.putAll(next);
        evaluate();
        scheduleTicks();
    }

    public synchronized List<DestStats> stats() {
        List<DestStats> out = new ArrayList<>(runners.size());
        for (DestRunner r : runners.values()) {
            out.add(r.stats());
        }
        return out;
    }

    /** Why an enabled target does not run now (its condition, standby in its group), "" when it runs. */
    public String waiting(String id) {
        return waiting.getOrDefault(id, "");
    }

    /** Stops every target and waits for their threads. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            cancelTicks();
            leavePools();
            for (DestRunner r : runners.values()) {
                r.close();
            }
        }
        executor.shutdownNow();
        executor.close();
    }
}
