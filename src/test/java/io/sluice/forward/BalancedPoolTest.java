package io.sluice.forward;

import static io.sluice.forward.DestState.BACKOFF;
import static io.sluice.forward.DestState.FORWARDING;
import static io.sluice.forward.DestState.IDLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancedPoolTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final InstantSource clock = () -> now;
    private final BalancedPool pool = new BalancedPool("~^cam", "g", clock);

    private static BalancedPool.Member member(String id, int weight, int order) {
        return new BalancedPool.Member(id, weight, Duration.ofSeconds(1), Duration.ofSeconds(4), order);
    }

    private void members(boolean rebalance, String... idWeight) {
        List<BalancedPool.Member> ms = new java.util.ArrayList<>();
        for (int i = 0; i < idWeight.length; i++) {
            String[] p = idWeight[i].split(":");
            ms.add(member(p[0], p.length > 1 ? Integer.parseInt(p[1]) : 1, i));
        }
        pool.configure(ms, rebalance);
    }

    /** Every listed member eligible, each in state s, except those overridden in "id=STATE" form. */
    private static Map<String, DestState> states(List<String> ids, DestState s, String... overrides) {
        Map<String, DestState> out = new LinkedHashMap<>();
        ids.forEach(id -> out.put(id, s));
        for (String o : overrides) {
            String[] p = o.split("=");
            out.put(p[0], DestState.valueOf(p[1]));
        }
        return out;
    }

    private String assign(String path, List<String> ids, String... overrides) {
        return pool.assign(path, states(ids, IDLE, overrides), 0).member();
    }

    @Test
    void spreadsPathsEvenlyInFileOrder() {
        members(false, "a", "b", "c");
        List<String> ids = List.of("a", "b", "c");
        for (int i = 1; i <= 6; i++) {
            assign("cam" + i, ids);
        }
        assertThat(pool.load()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 2, "c", 2));
        assertThat(pool.memberOf("cam1")).isEqualTo("a");
        assertThat(pool.memberOf("cam2")).isEqualTo("b");
        assertThat(pool.memberOf("cam4")).isEqualTo("a");
    }

    @Test
    void weightsSkewTheShare() {
        members(false, "big:2", "small:1");
        List<String> ids = List.of("big", "small");
        for (int i = 1; i <= 6; i++) {
            assign("cam" + i, ids);
        }
        assertThat(pool.load()).containsExactlyInAnyOrderEntriesOf(Map.of("big", 4, "small", 2));
        // the second path goes to the empty member, not to big's second slot
        assertThat(pool.memberOf("cam2")).isEqualTo("small");
    }

    @Test
    void bitrateBreaksTiesBetweenMembersWithAsManyPaths() {
        members(false, "a", "b");
        List<String> ids = List.of("a", "b");
        assign("cam1", ids); // a
        assign("cam2", ids); // b
        pool.assign("cam1", states(ids, FORWARDING), 3000);
        pool.assign("cam2", states(ids, FORWARDING), 500);
        assertThat(assign("cam3", ids)).isEqualTo("b");
    }

    @Test
    void stickyWhileTheMemberWorksEvenWhenANewMemberJoins() {
        members(false, "a", "b");
        assign("cam1", List.of("a", "b"));
        assign("cam2", List.of("a", "b"));
        members(false, "a", "b", "c");
        List<String> ids = List.of("a", "b", "c");
        for (int tick = 0; tick < 5; tick++) {
            assertThat(pool.assign("cam1", states(ids, FORWARDING), 100).member()).isEqualTo("a");
            assertThat(pool.assign("cam2", states(ids, FORWARDING), 100).member()).isEqualTo("b");
        }
        assertThat(assign("cam3", ids)).isEqualTo("c");
    }

    @Test
    void aFailedMembersPathsMoveAtOnceAndItTakesOnlyNewPathsAfterItsRetryTime() {
        members(false, "a", "b", "c");
        List<String> ids = List.of("a", "b", "c");
        for (int i = 1; i <= 6; i++) {
            assign("cam" + i, ids);
        }
        // a's target fails on cam1 and cam4: both move, to b and c (one each: they then have three)
        assertThat(pool.assign("cam1", states(ids, FORWARDING, "a=BACKOFF"), 0).member()).isEqualTo("b");
        assertThat(pool.assign("cam4", states(ids, FORWARDING, "a=BACKOFF"), 0).member()).isEqualTo("c");
        assertThat(pool.load()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 0, "b", 3, "c", 3));
        assertThat(pool.stats().members().getFirst().retryAt()).isEqualTo(now.plusSeconds(1));
        // before its retry time, a new path does not go to a
        assertThat(assign("cam7", ids)).isNotEqualTo("a");
        pool.release("cam7");
        // after it, it does; the running paths stay where they are
        now = now.plusSeconds(2);
        assertThat(assign("cam7", ids)).isEqualTo("a");
        assertThat(pool.assign("cam1", states(ids, FORWARDING), 0).member()).isEqualTo("b");
        assertThat(pool.load()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 3, "c", 3));
    }

    @Test
    void aMemberThatFailsAgainWaitsLongerUpToItsMaxDelay() {
        members(false, "a", "b");
        List<String> ids = List.of("a", "b");
        assign("cam1", ids); // a
        for (long expected : new long[] {1, 2, 4, 4}) {
            assertThat(pool.assign("cam1", states(ids, IDLE, "a=BACKOFF"), 0).member()).isEqualTo("b");
            assertThat(pool.stats().members().getFirst().retryAt()).isEqualTo(now.plusSeconds(expected));
            now = now.plusSeconds(expected);
            pool.release("cam1");
            assertThat(assign("cam1", ids)).isEqualTo("a"); // its retry time came: it takes a new path again
        }
    }

    @Test
    void whenEveryMemberFailsThePathStaysAndRetries() {
        members(false, "a", "b");
        List<String> ids = List.of("a", "b");
        assign("cam1", ids); // a
        assertThat(pool.assign("cam1", states(ids, BACKOFF), 0).member()).isEqualTo("b");
        assertThat(pool.assign("cam1", states(ids, BACKOFF), 0).member()).isEqualTo("b");
    }

    @Test
    void anIneligibleMemberLosesItsPath() {
        members(false, "a", "b");
        assign("cam1", List.of("a", "b")); // a
        // a's when: no longer holds on cam1
        assertThat(pool.assign("cam1", states(List.of("b"), IDLE), 0).member()).isEqualTo("b");
        assertThat(pool.assign("cam2", Map.of(), 0).member()).isNull();
    }

    @Test
    void rebalanceMovesOnePathAtATimeMakeBeforeBreak() {
        members(true, "a", "b");
        List<String> two = List.of("a", "b");
        for (int i = 1; i <= 4; i++) {
            assign("cam" + i, two);
        }
        members(true, "a", "b", "c");
        List<String> ids = List.of("a", "b", "c");
        // a and b have two each, c none: the first forwarding path of a member with two moves to c
        BalancedPool.Assignment move = pool.assign("cam1", states(ids, FORWARDING, "c=IDLE"), 0);
        assertThat(move).isEqualTo(new BalancedPool.Assignment("c", "a"));
        // no second move while the first is under way
        assertThat(pool.assign("cam2", states(ids, FORWARDING, "c=IDLE"), 0))
                .isEqualTo(new BalancedPool.Assignment("b", null));
        // the old member drains until the new one forwards
        assertThat(pool.assign("cam1", states(ids, FORWARDING, "c=CONNECTING"), 0))
                .isEqualTo(new BalancedPool.Assignment("c", "a"));
        assertThat(pool.assign("cam1", states(ids, FORWARDING), 0)).isEqualTo(new BalancedPool.Assignment("c", null));
        // now a 1, b 2, c 1: moving one of b's would give c two, no better; nothing moves
        for (String p : List.of("cam1", "cam2", "cam3", "cam4")) {
            assertThat(pool.assign(p, states(ids, FORWARDING), 0).draining()).isNull();
        }
        assertThat(pool.load()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 2, "c", 1));
    }

    @Test
    void aRebalanceMoveThatFailsGoesBack() {
        members(true, "a");
        assign("cam1", List.of("a"));
        assign("cam2", List.of("a"));
        members(true, "a", "b");
        List<String> ids = List.of("a", "b");
        assertThat(pool.assign("cam1", states(ids, FORWARDING, "b=IDLE"), 0))
                .isEqualTo(new BalancedPool.Assignment("b", "a"));
        assertThat(pool.assign("cam1", states(ids, FORWARDING, "b=BACKOFF"), 0))
                .isEqualTo(new BalancedPool.Assignment("a", null));
        assertThat(pool.stats().members().get(1).retryAt()).isNotNull();
    }

    @Test
    void withoutRebalanceAReturningMemberGetsNoRunningPath() {
        members(false, "a", "b");
        List<String> ids = List.of("a", "b");
        assign("cam1", ids);
        assign("cam2", ids);
        pool.assign("cam2", states(ids, FORWARDING, "b=BACKOFF"), 0); // b fails: cam2 to a
        now = now.plusSeconds(5);
        for (int tick = 0; tick < 3; tick++) {
            assertThat(pool.assign("cam1", states(ids, FORWARDING, "b=IDLE"), 0).member()).isEqualTo("a");
            assertThat(pool.assign("cam2", states(ids, FORWARDING, "b=IDLE"), 0).member()).isEqualTo("a");
        }
        assertThat(pool.stats().members()).extracting(BalancedPool.MemberLoad::paths)
                .containsExactly(List.of("cam1", "cam2"), List.of());
    }
}
