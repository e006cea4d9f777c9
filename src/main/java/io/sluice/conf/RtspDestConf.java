package io.sluice.conf;

import java.util.Objects;

/**
 * RtspDestConf holds the RTSP-specific settings of a forward target.
 *
 * @param transport how RTP is sent to the remote server; AUTOMATIC tries UDP then TCP
 * @param fingerprint for rtsps: the SHA-256 fingerprint of the server's certificate (64 hex digits,
 *     lower case, no colons); when set, that certificate is trusted instead of the system's CAs, so a
 *     self-signed server can be used safely; "" = verify against the system's CAs
 */
public record RtspDestConf(RtspTransport transport, String fingerprint) {

    static final RtspDestConf DEFAULT = new RtspDestConf(RtspTransport.AUTOMATIC, "");
    static final String ACCEPTED_FINGERPRINT = "64 hex digits (SHA-256), colons allowed";

    public RtspDestConf {
        Objects.requireNonNull(transport, "transport");
        fingerprint = normalizeFingerprint(fingerprint);
    }

    /** Lower-case hex without colons; throws IllegalArgumentException naming the bad value. */
    static String normalizeFingerprint(String f) {
        if (f == null || f.isEmpty()) {
            return "";
        }
        String hex = f.replace(":", "").toLowerCase(java.util.Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("invalid fingerprint '" + f + "'");
        }
        return hex;
    }
}
