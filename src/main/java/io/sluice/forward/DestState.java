package io.sluice.forward;

/** DestState is where a forward target is in its life cycle. */
public enum DestState {
    /** Configured and enabled, waiting for the path's stream. */
    IDLE,
    /** Connecting to the target and setting up the session. */
    CONNECTING,
    /** Session up, packets flowing. */
    FORWARDING,
    /**
     * Session up, but the path's publisher left: the target keeps its session for up to the path's
     * {@code publisherGrace}, and carries on when a new publisher of the same stream arrives.
     */
    BRIDGING,
    /** Last attempt failed; waiting before the next one. */
    BACKOFF,
    /** Gave up: reconnect is off, or maxReconnectTime passed. */
    FAILED,
    /** {@code enable: false} in the configuration. */
    DISABLED
}
