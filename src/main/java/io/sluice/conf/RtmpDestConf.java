package io.sluice.conf;

/**
 * RtmpDestConf holds the RTMP-specific settings of a forward target.
 *
 * @param fingerprint for rtmps: the SHA-256 fingerprint of the server's certificate, trusted instead
 *     of the system's CAs (for a self-signed server); "" = verify against the system's CAs
 */
public record RtmpDestConf(String fingerprint) {

    static final RtmpDestConf DEFAULT = new RtmpDestConf("");

    public RtmpDestConf {
        fingerprint = RtspDestConf.normalizeFingerprint(fingerprint);
    }
}
