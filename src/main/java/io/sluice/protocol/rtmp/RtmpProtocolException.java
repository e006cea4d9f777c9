package io.sluice.protocol.rtmp;

import java.io.IOException;

/**
 * RtmpProtocolException reports RTMP input (handshake, chunk stream, AMF0, FLV tag payload) that
 * violates the protocol or one of this package's limits; the message names the bad value and where
 * it was found, e.g. {@code "chunk size 0 at offset 12"}.
 *
 * <p>It is an {@link IOException} because for a connection it means the same as a broken socket:
 * the byte stream is out of sync and must be closed. Inside a Netty pipeline the decoders' failures
 * reach {@code exceptionCaught} wrapped in a {@code DecoderException}; look at its cause.
 */
public final class RtmpProtocolException extends IOException {
    private final boolean tooLarge;

    public RtmpProtocolException(String message) {
        this(message, false);
    }

    /** @param tooLarge whether a size limit (e.g. the message length bound) was exceeded, for counting */
    public RtmpProtocolException(String message, boolean tooLarge) {
        super(message);
        this.tooLarge = tooLarge;
    }

    public RtmpProtocolException(String message, Throwable cause) {
        super(message, cause);
        this.tooLarge = false;
    }

    /** Whether a size limit was exceeded (a server counts it as a body-too-large refusal). */
    public boolean tooLarge() {
        return tooLarge;
    }
}
