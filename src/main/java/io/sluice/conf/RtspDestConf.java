package io.sluice.conf;

import java.time.Duration;
import java.util.Objects;

/**
 * RtspDestConf holds the RTSP-specific settings of a forward target.
 *
 * @param transport how RTP is sent to the remote server; AUTOMATIC tries UDP then TCP
 * @param fingerprint for rtsps: the SHA-256 fingerprint of the server's certificate (64 hex digits,
 *     lower case, no colons); when set, that certificate is trusted instead of the system's CAs, so a
 *     self-signed server can be used safely; "" = verify against the system's CAs
 * @param udpReceiverReportTimeout over UDP, how long the target may send no RTCP receiver report
 *     before its session counts as dead (UDP fails it; AUTOMATIC switches to TCP); zero = never
 */
public record RtspDestConf(RtspTransport transport, String fingerprint, Duration udpReceiverReportTimeout) {

    /**
     * RTP receivers send a report every 5 s on average (RFC 3550 §6.2 minimum), randomized to 2.5-7.5 s
     * (ffmpeg, GStreamer's rtpbin): 15 s is two missed reports plus margin.
     */
    public static final Duration DEFAULT_UDP_RECEIVER_REPORT_TIMEOUT = Duration.ofSeconds(15);
    static final RtspDestConf DEFAULT = new RtspDestConf(RtspTransport.AUTOMATIC, "");
    static final String ACCEPTED_FINGERPRINT = "64 hex digits (SHA-256), colons allowed";

    public RtspDestConf {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(udpReceiverReportTimeout, "udpReceiverReportTimeout");
        if (udpReceiverReportTimeout.isNegative()) {
            throw new IllegalArgumentException("negative udpReceiverReportTimeout " + udpReceiverReportTimeout);
        }
        fingerprint = normalizeFingerprint(fingerprint);
    }

    /** With the default receiver report timeout. */
    public RtspDestConf(RtspTransport transport, String fingerprint) {
        this(transport, fingerprint, DEFAULT_UDP_RECEIVER_REPORT_TIMEOUT);
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
