package io.sluice.forward;

/** DestState is where a forward target is in its life cycle. */
public enum DestState {
    /** Configured and enabled, waiting for the path's stream. */
    IDLE,
    /** Connecting to the target and setting up the session. */
    CONNECTING,
    /** Session up, packets flowing. */
    FORWARDING,
    /** Last attempt failed; waiting before the next one. */
    BACKOFF,
    /** Gave up: reconnect is off, or maxReconnectTime passed. */
    FAILED,
    /** {@code enable: false} in the configuration. */
    DISABLED
}
