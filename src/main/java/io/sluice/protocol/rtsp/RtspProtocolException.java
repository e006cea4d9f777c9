package io.sluice.protocol.rtsp;

import io.netty.handler.codec.DecoderException;

/**
 * RtspProtocolException reports RTSP input that violates the protocol or a limit; the message names
 * the bad value and what was expected, and {@link #status()} is the response code a server should
 * answer with before closing (400 unless more specific, e.g. 505 or 461).
 *
 * <p>It extends Netty's {@link DecoderException} so that {@link RtspDecoder} failures reach
 * {@code exceptionCaught} unwrapped (as Netty's {@code HAProxyProtocolException} does).
 */
public final class RtspProtocolException extends DecoderException {
    /** What was wrong, so that a server can count size-limit refusals apart from malformed input. */
    public enum Kind {
        /** Input that breaks the protocol. */
        MALFORMED,
        /** A start line plus header section longer than the decoder's header limit. */
        HEADER_TOO_LARGE,
        /** A Content-Length above the decoder's body limit (or an interleaved frame above its limit). */
        BODY_TOO_LARGE
    }

    private final int status;
    private final Kind kind;

    public RtspProtocolException(String message) {
        this(RtspStatus.BAD_REQUEST, message);
    }

    public RtspProtocolException(int status, String message) {
        this(status, Kind.MALFORMED, message);
    }

    public RtspProtocolException(int status, Kind kind, String message) {
        super(message);
        this.status = status;
        this.kind = kind;
    }

    /** What kind of violation this is. */
    public Kind kind() {
        return kind;
    }

    /** The RTSP status code that describes this error to the peer. */
    public int status() {
        return status;
    }
}
