package io.sluice.path;

import java.time.Duration;

/**
 * GraceTimer runs a path's task after a delay: the end of the grace during which a path waits for its
 * publisher to come back. Injected so that tests decide when the grace is over.
 */
@FunctionalInterface
interface GraceTimer {

    /** Runs {@code task} once after {@code delay} on the timer's thread; the returned action cancels it. */
    Runnable after(Duration delay, Runnable task);
}
