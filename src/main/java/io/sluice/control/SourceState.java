package io.sluice.control;

/** SourceState is where a path's pull source is in its life cycle (mirrors a forward target's states). */
public enum SourceState {
    /** Not pulling: an on-demand source nobody asked for, or a source that was stopped. */
    IDLE,
    /** Connecting to the remote and setting the session up. */
    CONNECTING,
    /** The remote's stream is published on the path: readers and forward targets get it. */
    READY,
    /** The last attempt failed or the remote ended the stream; waiting before the next attempt. */
    BACKOFF
}
