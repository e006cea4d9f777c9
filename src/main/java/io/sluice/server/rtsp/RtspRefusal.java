package io.sluice.server.rtsp;

import io.sluice.protocol.rtsp.RtspResponse;

/**
 * RtspRefusal ends a request early with its error response. {@link #counted} says whether the path
 * manager's Refusals already counted and logged it (limits, bad names), so the connection does not log
 * it a second time. Carries no stack trace: it is an answer, not a fault.
 */
final class RtspRefusal extends Exception {
    final RtspResponse response;
    final boolean counted;

    RtspRefusal(RtspResponse response) {
        this(response, false);
    }

    RtspRefusal(RtspResponse response, boolean counted) {
        super(null, null, false, false);
        this.response = response;
        this.counted = counted;
    }

    /** A refusal with a plain-text reason in the body. */
    static RtspRefusal of(int code, String reason, String why) {
        return new RtspRefusal(RtspReplies.status(code, reason, why));
    }
}
