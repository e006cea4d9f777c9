package io.sluice.server.webrtc;

/** WebrtcHttpException is a refusal with its HTTP status and a plain-text reason for the body. */
final class WebrtcHttpException extends Exception {
    private final int status;

    /** @param status a 4xx or 5xx status; 401 also gets {@code WWW-Authenticate: Basic realm="sluice"} */
    WebrtcHttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
