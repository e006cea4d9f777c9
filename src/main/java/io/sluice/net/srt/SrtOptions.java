package io.sluice.net.srt;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * SrtOptions are the settings of one SRT socket (caller) or of a listener's accepted sockets, in
 * live mode. Values are checked here against libsrt's limits, so a bad value fails with its name
 * before any socket exists.
 *
 * @param latencyMs         SRTO_LATENCY (receiver and peer latency); the connection uses the larger of both sides'
 * @param passphrase        SRTO_PASSPHRASE, 10–79 bytes; "" = no encryption
 * @param pbkeylen          SRTO_PBKEYLEN: 16, 24 or 32 (AES-128/192/256); 0 = libsrt's default (16, or the caller's)
 * @param streamId          SRTO_STREAMID sent by a caller, at most 512 bytes; "" = none. Ignored by listeners
 * @param connectTimeoutMs  SRTO_CONNTIMEO, how long {@link SrtSocket#connect} waits for the handshake
 * @param peerIdleTimeoutMs SRTO_PEERIDLETIMEO, silence from the peer after which the connection is broken
 */
public record SrtOptions(int latencyMs, String passphrase, int pbkeylen, String streamId, int connectTimeoutMs,
                         int peerIdleTimeoutMs) {
    public SrtOptions {
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(streamId, "streamId");
        if (latencyMs < 0) {
            throw new IllegalArgumentException("SRT latency must be >= 0 ms, got " + latencyMs);
        }
        int pw = passphrase.getBytes(StandardCharsets.UTF_8).length;
        if (pw != 0 && (pw < 10 || pw > 79)) {
            // not echoed: it is a secret
            throw new IllegalArgumentException("SRT passphrase must be 10 to 79 bytes, got " + pw);
        }
        if (pbkeylen != 0 && pbkeylen != 16 && pbkeylen != 24 && pbkeylen != 32) {
            throw new IllegalArgumentException("SRT pbkeylen must be 0, 16, 24 or 32, got " + pbkeylen);
        }
        int sid = streamId.getBytes(StandardCharsets.UTF_8).length;
        if (sid > SrtSockOpt.MAX_STREAM_ID) {
            throw new IllegalArgumentException("SRT stream id must be at most " + SrtSockOpt.MAX_STREAM_ID
                    + " bytes, got " + sid);
        }
        if (connectTimeoutMs <= 0) {
            throw new IllegalArgumentException("SRT connect timeout must be > 0 ms, got " + connectTimeoutMs);
        }
        if (peerIdleTimeoutMs <= 0) {
            throw new IllegalArgumentException("SRT peer idle timeout must be > 0 ms, got " + peerIdleTimeoutMs);
        }
    }

    /** libsrt's live-mode defaults: 120 ms latency, no encryption, no stream id, 3 s connect, 5 s idle timeout. */
    public static SrtOptions defaults() {
        return new SrtOptions(120, "", 0, "", 3000, 5000);
    }

    public SrtOptions withStreamId(String id) {
        return new SrtOptions(latencyMs, passphrase, pbkeylen, id, connectTimeoutMs, peerIdleTimeoutMs);
    }

    public SrtOptions withPassphrase(String secret) {
        return new SrtOptions(latencyMs, secret, pbkeylen, streamId, connectTimeoutMs, peerIdleTimeoutMs);
    }

    public SrtOptions withLatencyMs(int ms) {
        return new SrtOptions(ms, passphrase, pbkeylen, streamId, connectTimeoutMs, peerIdleTimeoutMs);
    }

    /** Never prints the passphrase, only whether there is one. */
    @Override
    public String toString() {
        return "SrtOptions[latencyMs=" + latencyMs + ", passphrase=" + (passphrase.isEmpty() ? "none" : "***")
                + ", pbkeylen=" + pbkeylen + ", streamId=" + streamId + ", connectTimeoutMs=" + connectTimeoutMs
                + ", peerIdleTimeoutMs=" + peerIdleTimeoutMs + "]";
    }
}
