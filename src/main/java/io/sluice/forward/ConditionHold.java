package io.sluice.forward;

import io.sluice.conf.Durations;
import java.time.Duration;
import java.util.Locale;

/**
 * ConditionHold debounces one target's {@code when:} outcome: the target starts only once its conditions
 * have held for the hold time, and stops only once they have failed for as long, so a bitrate that
 * flickers around a limit does not stop and start the target every tick. With a zero hold it follows the
 * outcome at once (readers, time window and codec conditions alone).
 *
 * <p>Called only by its {@link ForwardManager}, under the manager's lock.
 */
final class ConditionHold {
    private boolean on;
    /** When the outcome first differed from {@link #on}, in clock millis; -1 while they agree. */
    private long differsSince = -1;
    private long heldMillis;

    /**
     * Takes the outcome at {@code nowMillis} and says whether the target should run.
     *
     * @param met whether every condition holds now
     */
    boolean update(boolean met, long nowMillis, Duration hold) {
        if (met == on) {
            differsSince = -1;
            heldMillis = 0;
            return on;
        }
        if (differsSince < 0) {
            differsSince = nowMillis;
        }
        heldMillis = Math.max(0, nowMillis - differsSince);
        if (heldMillis >= hold.toMillis()) {
            on = met;
            differsSince = -1;
            heldMillis = 0;
        }
        return on;
    }

    /** Whether a change is under way (the outcome differs from the decision, the hold not yet over). */
    boolean pending() {
        return differsSince >= 0;
    }

    /** "(held 3.2 s of 5s)" while a change is under way, for the target's stats. */
    String progress(Duration hold) {
        return String.format(Locale.ROOT, "(held %.1f s of %s)", heldMillis / 1000.0, Durations.format(hold));
    }
}
