package io.sluice.path;

import io.sluice.control.SourceStats;

/**
 * PathSource is what keeps a path's pulled stream coming: it connects to the remote the path's {@code source:}
 * names, publishes what it gets on the path and reconnects when the session ends, between {@link #start()}
 * and {@link #stop()}. The path owns one for as long as its entry pulls from the same URL.
 */
public interface PathSource extends AutoCloseable {

    /** Starts pulling, if not already. Does not block. */
    void start();

    /** Stops pulling and ends the session (its publisher leaves the path); keeps the counters. Does not block. */
    void stop();

    SourceStats stats();

    /** Stops for good and returns when its thread has ended. Idempotent. */
    @Override
    void close();
}
