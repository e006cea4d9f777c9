package io.sluice.server.webrtc;

/** WebrtcHttpException is a refusal with its HTTP status and a plain-text reason for the body. */
final class WebrtcHttpException extends Exception {
    private final int status;
    private final boolean logged;

    /** @param status a 4xx or 5xx status; 401 also gets {@code WWW-Authenticate: Basic realm="sluice"} */
    WebrtcHttpException(int status, String message) {
        this(status, message, false);
    }

    /** @param logged whether the refusal was already counted and logged (Refusals, rate-limited) */
    WebrtcHttpException(int status, String message, boolean logged) {
        super(message);
        this.status = status;
        this.logged = logged;
    }

    int status() {
        return status;
    }

    /** Whether the refusal was counted and logged already, so the HTTP layer logs it only at debug level. */
    boolean logged() {
        return logged;
    }
}
