package io.sluice.net.rtmp;

import java.io.IOException;

/**
 * RtmpStatusException is a server's refusal of an RTMP client's command: an {@code _error} reply or an
 * {@code onStatus} such as NetStream.Play.StreamNotFound. The message has the server's code and description.
 */
public final class RtmpStatusException extends IOException {
    private final String code;

    public RtmpStatusException(String message, String code) {
        super(message);
        this.code = code;
    }

    /** The server's status code (e.g. "NetStream.Play.StreamNotFound"), or null when it sent none. */
    public String code() {
        return code;
    }
}
