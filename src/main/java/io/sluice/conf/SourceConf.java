package io.sluice.conf;

import java.time.Duration;
import java.util.Objects;

/**
 * SourceConf is where a path's stream comes from (mediamtx's {@code source} and its companion keys): a
 * publisher, or a remote stream Sluice pulls, always or on demand.
 *
 * @param url what {@code source:} says; for a regex path its $G1... and $MTX_PATH are expanded per path
 * @param fingerprint {@code sourceFingerprint}: SHA-256 fingerprint of the remote's TLS certificate (rtsps,
 *     rtmps, wheps), hex with or without colons; "" trusts the JDK's CAs
 * @param onDemand {@code sourceOnDemand}: pull only while readers want the path
 * @param onDemandStartTimeout {@code sourceOnDemandStartTimeout}: how long a reader waits for the stream
 * @param onDemandCloseAfter {@code sourceOnDemandCloseAfter}: how long the source stays after its last reader
 * @param rtspTransport {@code rtspTransport}: how an rtsp source carries RTP (automatic tries UDP, then TCP)
 * @param rtspAnyPort {@code rtspAnyPort}: accept RTP from any source port of the camera (NATed cameras)
 * @param whepBearerToken {@code whepBearerToken}: Bearer token of a WHEP source's POST, "" for none
 * @param reconnectDelay first retry delay after a failed pull, doubled (with jitter) up to reconnectMaxDelay
 *     (Sluice's; mediamtx retries every 5 s)
 * @param reconnectMaxDelay the cap of the retry delay
 */
public record SourceConf(SourceUrl url, String fingerprint, boolean onDemand, Duration onDemandStartTimeout,
                         Duration onDemandCloseAfter, RtspTransport rtspTransport, boolean rtspAnyPort,
                         String whepBearerToken, Duration reconnectDelay, Duration reconnectMaxDelay) {

    /** mediamtx's default: a path waits for a publisher. */
    public static final SourceConf PUBLISHER = new SourceConf(new SourceUrl.Publisher(), "", false,
            Duration.ofSeconds(10), Duration.ofSeconds(10), RtspTransport.AUTOMATIC, false, "",
            ForwardDest.DEFAULT_RECONNECT_DELAY, ForwardDest.DEFAULT_RECONNECT_MAX_DELAY);

    public SourceConf {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(fingerprint, "fingerprint");
        ForwardDest.checkPositive(Objects.requireNonNull(onDemandStartTimeout, "onDemandStartTimeout"));
        ForwardDest.checkNotNegative(Objects.requireNonNull(onDemandCloseAfter, "onDemandCloseAfter"));
        Objects.requireNonNull(rtspTransport, "rtspTransport");
        Objects.requireNonNull(whepBearerToken, "whepBearerToken");
        ForwardDest.checkPositive(Objects.requireNonNull(reconnectDelay, "reconnectDelay"));
        ForwardDest.checkMaxDelay(Objects.requireNonNull(reconnectMaxDelay, "reconnectMaxDelay"), reconnectDelay);
    }

    /** Whether the path pulls its stream (anything but {@code publisher}). */
    public boolean pulls() {
        return !(url instanceof SourceUrl.Publisher);
    }

    /** The URL with credentials, passphrases and tokens masked: the only form of it fit for logs. */
    public String redactedUrl() {
        return Redact.url(url.raw());
    }

    @Override
    public String toString() {
        return "SourceConf[url=" + redactedUrl() + ", fingerprint=" + fingerprint + ", onDemand=" + onDemand
                + ", onDemandStartTimeout=" + onDemandStartTimeout + ", onDemandCloseAfter=" + onDemandCloseAfter
                + ", rtspTransport=" + rtspTransport + ", rtspAnyPort=" + rtspAnyPort + ", whepBearerToken="
                + Redact.secret(whepBearerToken) + ", reconnectDelay=" + reconnectDelay + ", reconnectMaxDelay="
                + reconnectMaxDelay + "]";
    }
}
