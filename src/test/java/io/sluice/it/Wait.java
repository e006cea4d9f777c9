package io.sluice.it;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Wait polls a condition of a running server until it holds or time is up. */
final class Wait {
    private Wait() {
    }

    /**
     * Polls {@code cond} every 50 ms until it is true or {@code max} has passed.
     *
     * @return whether it held (asked once more at the deadline)
     */
    static boolean until(Callable<Boolean> cond, Duration max) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < end) {
            if (cond.call()) {
                return true;
            }
            Thread.sleep(50);
        }
        return cond.call();
    }
}
