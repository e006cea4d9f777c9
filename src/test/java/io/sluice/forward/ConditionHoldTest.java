package io.sluice.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ConditionHold: a change of outcome counts only once it has lasted the hold. */
class ConditionHoldTest {
    private static final Duration HOLD = Duration.ofSeconds(5);
    private final ConditionHold h = new ConditionHold();

    @Test
    void startsOnlyAfterTheConditionHeldForTheHold() {
        assertThat(h.update(true, 0, HOLD)).isFalse();
        assertThat(h.pending()).isTrue();
        assertThat(h.update(true, 3200, HOLD)).isFalse();
        assertThat(h.progress(HOLD)).isEqualTo("(held 3.2 s of 5s)");
        assertThat(h.update(true, 5000, HOLD)).isTrue();
        assertThat(h.pending()).isFalse();
    }

    @Test
    void aFlickerRestartsTheHold() {
        h.update(true, 0, HOLD);
        h.update(true, 5000, HOLD); // on
        assertThat(h.update(false, 6000, HOLD)).isTrue();
        assertThat(h.update(true, 8000, HOLD)).isTrue(); // back before the hold ended: stays on, nothing pending
        assertThat(h.pending()).isFalse();
        assertThat(h.update(false, 9000, HOLD)).isTrue();
        assertThat(h.update(false, 13_999, HOLD)).isTrue();
        assertThat(h.update(false, 14_000, HOLD)).isFalse(); // failed for 5 s since 9 s
    }

    @Test
    void zeroHoldFollowsAtOnce() {
        assertThat(h.update(true, 0, Duration.ZERO)).isTrue();
        assertThat(h.update(false, 1, Duration.ZERO)).isFalse();
    }
}
