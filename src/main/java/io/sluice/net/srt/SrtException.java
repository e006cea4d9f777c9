package io.sluice.net.srt;

import java.io.IOException;

/**
 * SrtException is a failed libsrt call: its message says what was attempted and libsrt's reason,
 * {@link #code()} carries libsrt's SRT_ERRNO and, for a refused connection, {@link #rejectReason()}
 * the reason the handshake was refused.
 */
public final class SrtException extends IOException {
    private final int code;
    private final int rejectReason;

    SrtException(String message, int code, int rejectReason) {
        super(message);
        this.code = code;
        this.rejectReason = rejectReason;
    }

    /**
     * The last libsrt error of the calling thread; call it right after the failed srt_* call, as
     * libsrt keeps that error per OS thread and the next call may overwrite it.
     *
     * @param what the attempted operation, for the message
     */
    static SrtException last(String what) {
        SrtNative.LastError e = SrtNative.lastError();
        return new SrtException(what + ": " + e.text() + " (SRT error " + e.code() + ")", e.code(), 0);
    }

    /** libsrt's error code (SRT_ERRNO, e.g. 1002 SRT_ECONNREJ, 2001 SRT_ECONNLOST), or 0 when not from libsrt. */
    public int code() {
        return code;
    }

    /**
     * For a refused connection, why: an SRT_REJ_* reason (&lt;1000, e.g. {@link SrtReject#BADSECRET})
     * or the code the listener set (&gt;=1000, e.g. {@link SrtReject#NOT_FOUND}); otherwise 0.
     * See {@link SrtReject#name(int)}.
     */
    public int rejectReason() {
        return rejectReason;
    }
}
