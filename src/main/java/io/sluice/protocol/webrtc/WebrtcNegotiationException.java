package io.sluice.protocol.webrtc;

/**
 * WebrtcNegotiationException reports an offer or answer that Sluice cannot negotiate; its
 * {@link Reason} lets the HTTP layer pick the status (400, or 406 for no common codec) and its
 * message names the offending values (offered codecs, mids, payload types).
 */
public final class WebrtcNegotiationException extends Exception {

    /** Why negotiation failed. */
    public enum Reason {
        /** The SDP is malformed or breaks the offer/answer rules. */
        BAD_SDP,
        /** There are medias to negotiate but no codec both sides accept. */
        NO_COMMON_CODEC,
        /** The SDP has no audio or video media in a usable direction. */
        NO_MEDIA
    }

    private final Reason reason;

    public WebrtcNegotiationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public WebrtcNegotiationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
