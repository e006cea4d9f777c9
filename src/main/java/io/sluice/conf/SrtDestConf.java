package io.sluice.conf;

import java.util.Objects;

/**
 * SrtDestConf holds the SRT-specific settings of a forward target; where the URL's query sets the
 * same option, the forwarder lets these win.
 *
 * @param passphrase AES passphrase, "" for no encryption, else 10..79 characters (libsrt's limits)
 * @param latencyMs SRT receiver latency in milliseconds
 * @param pbkeylen AES key length in bytes: 16, 24, 32, or 0 for the libsrt default
 * @param streamId the SRT stream id, "" to use the URL's streamid
 */
public record SrtDestConf(String passphrase, int latencyMs, int pbkeylen, String streamId) {

    public static final int DEFAULT_LATENCY_MS = 120;
    static final int MAX_LATENCY_MS = 60_000;
    static final SrtDestConf DEFAULT = new SrtDestConf("", DEFAULT_LATENCY_MS, 0, "");

    public SrtDestConf {
        checkPassphrase(Objects.requireNonNull(passphrase, "passphrase"));
        checkLatency(latencyMs);
        checkPbkeylen(pbkeylen);
        checkStreamId(Objects.requireNonNull(streamId, "streamId"));
    }

    static void checkPassphrase(String p) {
        // The value itself is never echoed: error messages end up in logs.
        if (!p.isEmpty() && (p.length() < 10 || p.length() > 79)) {
            throw new BadValue("passphrase is " + p.length() + " characters long", "empty, or 10..79 characters");
        }
    }

    static void checkLatency(int ms) {
        if (ms < 0 || ms > MAX_LATENCY_MS) {
            throw new BadValue("latency " + ms + " out of range", "0.." + MAX_LATENCY_MS + " (milliseconds)");
        }
    }

    static void checkPbkeylen(int n) {
        if (n != 0 && n != 16 && n != 24 && n != 32) {
            throw new BadValue("invalid pbkeylen " + n, "0, 16, 24, 32");
        }
    }

    static void checkStreamId(String id) {
        // SRT caps the stream id at 512 bytes (SRTO_STREAMID).
        if (id.length() > 512) {
            throw new BadValue("streamid is " + id.length() + " characters long", "at most 512 characters");
        }
    }

    @Override
    public String toString() {
        return "SrtDestConf[passphrase=" + Redact.secret(passphrase) + ", latencyMs=" + latencyMs
                + ", pbkeylen=" + pbkeylen + ", streamId=" + streamId + "]";
    }
}
