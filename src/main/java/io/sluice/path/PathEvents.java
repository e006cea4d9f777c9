package io.sluice.path;

import io.sluice.conf.PathConf;
import io.sluice.control.SessionInfo;

/**
 * PathEvents is what the path manager, its paths and its session registry tell an observer about the life of
 * paths, streams and sessions: mediamtx's hook events (runOnInit, runOnReady, runOnRead, runOnConnect...).
 * Every method has an empty default, so an observer overrides only what it needs, and {@link #NONE} observes
 * nothing.
 *
 * <p>Callers may hold a path's or the manager's lock and may be on a publisher's event loop: an
 * implementation must return at once (queue the work on its own thread) and must not call back into the
 * path or the manager.
 */
public interface PathEvents {

    /** Observes nothing. */
    PathEvents NONE = new PathEvents() { };

    /** A path was made (a configured exact path at start or reload, or a name under a regex or all_others). */
    default void pathAdded(String name, PathConf conf) {
    }

    /** A path's entry changed on reload; the path keeps its publisher and readers. */
    default void pathChanged(String name, PathConf conf) {
    }

    /** A path was closed or forgotten (no longer configured, idle path of a regex entry, shutdown). */
    default void pathRemoved(String name) {
    }

    /**
     * A path's stream became ready: a publisher started a new stream (a publisher taking over the stream of
     * one that left within publisherGrace is not a new one).
     *
     * @param who the publisher, e.g. "rtspSession 127.0.0.1:40012"
     */
    default void streamReady(String path, PathConf conf, String who) {
    }

    /** A path's stream ended (its publisher left and publisherGrace passed, or the path closed). */
    default void streamEnded(String path, PathConf conf) {
    }

    /** A publisher or reader session was registered (see {@link SessionRegistry#register}). */
    default void sessionOpened(SessionInfo session) {
    }

    /** A registered session ended. */
    default void sessionClosed(SessionInfo session) {
    }
}
