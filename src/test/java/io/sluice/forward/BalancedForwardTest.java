package io.sluice.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.sluice.conf.ConfLoader;
import io.sluice.conf.PathConf;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Balanced groups through real managers: paths of one regex entry share a pool; targets fail and return. */
@Timeout(30)
class BalancedForwardTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Stream stream = new Stream(new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "",
            List.of(new Format(96, Codec.H264, "H264", 90000, 0, ""))))), i -> null);
    /** Whether each member's remote accepts sessions, by target id (one remote per member, as one server). */
    private final Map<String, AtomicBoolean> up = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final BalancedPools pools = new BalancedPools(InstantSource.system());
    private final List<ForwardManager> managers = new ArrayList<>();
    private PathConf entry;

    @AfterEach
    void stop() {
        managers.forEach(ForwardManager::close);
        ticker.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private void entry(String members) throws Exception {
        entry = ConfLoader.parse("paths:\n  \"~^cam[0-9]+$\":\n    forwardGroups: {pool: {mode: balance}}\n"
                + "    forwardTargets:\n" + members, "t.yml").pathFor("cam1");
        entry.forwardTargets().forEach(d -> up.putIfAbsent(d.id(), new AtomicBoolean(true)));
    }

    private static String member(String id, String extra) {
        return "      - id: " + id + "\n        url: rtsp://127.0.0.1:9/$MTX_PATH\n        group: pool\n"
                + "        reconnectDelay: 100ms\n        reconnectMaxDelay: 200ms\n" + extra;
    }

    private ForwardManager publish(String path) {
        ForwardManager fm = new ForwardManager(path, entry.forwardTargetsFor(path),
                d -> new ForwardManagerTest.RemoteDest(up.get(d.id())), 64, InstantSource.system(), () -> 0, ticker,
                entry.name(), entry.forwardGroups(), pools);
        managers.add(fm);
        fm.streamReady(stream, loop.next());
        return fm;
    }

    private static DestState state(ForwardManager fm, String id) {
        return fm.stats().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().state();
    }

    /** The member that forwards this path's stream, waiting until exactly one does. */
    private static String forwardingMember(ForwardManager fm) throws InterruptedException {
        waitFor("one member forwarding", () -> fm.stats().stream()
                .filter(s -> s.state() == DestState.FORWARDING).count() == 1);
        return fm.stats().stream().filter(s -> s.state() == DestState.FORWARDING).findFirst().orElseThrow().id();
    }

    private static void waitFor(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 10 s");
            }
            Thread.sleep(10);
        }
    }

    private Map<String, Integer> load() {
        return pools.pool("~^cam[0-9]+$", "pool").load();
    }

    @Test
    void pathsSpreadAFailedMembersPathMovesAndAReturningOneTakesOnlyNewPaths() throws Exception {
        entry(member("a", "") + member("b", ""));
        ForwardManager cam1 = publish("cam1");
        ForwardManager cam2 = publish("cam2");
        assertThat(forwardingMember(cam1)).isEqualTo("a");
        assertThat(forwardingMember(cam2)).isEqualTo("b");
        assertThat(cam1.waiting("b")).isEqualTo("balanced to member a");

        up.get("a").set(false); // a's server goes away: cam1 moves to b
        waitFor("cam1 on b", () -> state(cam1, "b") == DestState.FORWARDING);
        assertThat(state(cam1, "a")).isIn(DestState.IDLE, DestState.BACKOFF);
        assertThat(load()).isEqualTo(Map.of("a", 0, "b", 2));

        up.get("a").set(true); // back: running paths stay, a new one goes to a
        Thread.sleep(500);
        assertThat(forwardingMember(cam1)).isEqualTo("b");
        assertThat(forwardingMember(publish("cam3"))).isEqualTo("a");
        assertThat(load()).isEqualTo(Map.of("a", 1, "b", 2));

        cam2.streamGone(); // a path that ends leaves the pool
        assertThat(load()).isEqualTo(Map.of("a", 1, "b", 1));
        assertThat(pools.stats()).singleElement().satisfies(p -> {
            assertThat(p.entry()).isEqualTo("~^cam[0-9]+$");
            assertThat(p.members()).extracting(BalancedPool.MemberLoad::paths)
                    .containsExactly(List.of("cam3"), List.of("cam1"));
        });
    }

    @Test
    void weightsSkewTheAssignment() throws Exception {
        entry(member("big", "        weight: 2\n") + member("small", ""));
        for (int i = 1; i <= 6; i++) {
            forwardingMember(publish("cam" + i));
        }
        assertThat(load()).isEqualTo(Map.of("big", 4, "small", 2));
    }

    @Test
    void rebalanceMovesAPathToAMemberThatJoins() throws Exception {
        entry(member("a", "") + member("b", ""));
        entry = ConfLoader.parse("paths:\n  \"~^cam[0-9]+$\":\n    forwardGroups: {pool: {mode: balance, "
                + "rebalance: yes}}\n    forwardTargets:\n" + member("a", "") + member("b", ""), "t.yml")
                .pathFor("cam1");
        up.get("b").set(false); // b is down: both paths on a
        ForwardManager cam1 = publish("cam1");
        ForwardManager cam2 = publish("cam2");
        waitFor("both on a", () -> state(cam1, "a") == DestState.FORWARDING
                && state(cam2, "a") == DestState.FORWARDING);
        waitFor("b tried and failed", () -> load().equals(Map.of("a", 2, "b", 0)));
        up.get("b").set(true);
        waitFor("one path moved to b", () -> load().equals(Map.of("a", 1, "b", 1)));
        waitFor("each path forwards through one member", () -> managers.stream().allMatch(m ->
                m.stats().stream().filter(s -> s.state() == DestState.FORWARDING).count() == 1));
    }
}
