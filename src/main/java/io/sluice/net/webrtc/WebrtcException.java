package io.sluice.net.webrtc;

import java.io.IOException;

/**
 * WebrtcException is a failure of one peer connection's transport (ICE, DTLS or SRTP), its message
 * naming the stage and the bad value (e.g. the fingerprint that did not match).
 */
public class WebrtcException extends IOException {
    public WebrtcException(String message) {
        super(message);
    }

    public WebrtcException(String message, Throwable cause) {
        super(message, cause);
    }
}
