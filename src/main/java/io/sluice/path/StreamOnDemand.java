package io.sluice.path;

import java.time.Duration;

/**
 * StreamOnDemand is what brings one path's stream up while readers want it and takes it down after: a pulled
 * source with {@code sourceOnDemand} (its runner), or a {@code runOnDemand} command that publishes. The path's
 * {@link PathDemand} decides when; this only does it. The stream it brings arrives as any other, through
 * {@link Path}'s publish.
 *
 * <p>{@link #start()} and {@link #stop()} are called one at a time, in order, on a path-manager thread (never on
 * an event loop), so they may block briefly (a runner's stop joins its thread).
 */
public interface StreamOnDemand {

    /** Starts bringing the stream (returns without waiting for it). */
    void start();

    /**
     * Starts bringing the stream for a reader that sent this query with the path (without the '?', "" when
     * none): runOnDemand gets it as MTX_QUERY, as mediamtx's does. A pulled source ignores it.
     */
    default void start(String query) {
        start();
    }

    /** Stops the stream and whatever brings it; its publisher leaves the path. */
    void stop();

    /** How long readers wait for the stream after {@link #start()} ({@code sourceOnDemandStartTimeout}). */
    Duration startTimeout();

    /** How long the stream stays after its last reader left ({@code sourceOnDemandCloseAfter}). */
    Duration closeAfter();

    /** What brings the stream, for logs: e.g. "source rtsp://origin/cam", "runOnDemand". */
    String describe();
}
