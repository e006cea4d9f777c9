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
    private final int status;

    public RtspProtocolException(String message) {
        this(RtspStatus.BAD_REQUEST, message);
    }

    public RtspProtocolException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The RTSP status code that describes this error to the peer. */
    public int status() {
        return status;
    }
}
