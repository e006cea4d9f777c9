package io.sluice.conf;

import java.time.Duration;
import java.util.List;
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

    static final Key<SourceUrl> SOURCE = Key.of("source", PUBLISHER.url(),
            v -> SourceUrlParser.parse(ConfNode.text(v)));
    static final Key<String> FINGERPRINT = Key.of("sourceFingerprint", "", v -> {
        String fp = ConfNode.text(v);
        try {
            return RtspDestConf.normalizeFingerprint(fp);
        } catch (IllegalArgumentException e) {
            throw new BadValue("invalid sourceFingerprint '" + fp + "'",
                    "SHA-256 of the certificate, 64 hex digits with or without colons");
        }
    });
    static final Key<Boolean> ON_DEMAND = Key.of("sourceOnDemand", false, ConfNode::bool);
    static final Key<Duration> ON_DEMAND_START_TIMEOUT = Key.positive("sourceOnDemandStartTimeout",
            PUBLISHER.onDemandStartTimeout());
    static final Key<Duration> ON_DEMAND_CLOSE_AFTER = Key.of("sourceOnDemandCloseAfter",
            PUBLISHER.onDemandCloseAfter(), v -> {
                Duration d = ConfNode.duration(v);
                ForwardDest.checkNotNegative(d);
                return d;
            });
    static final Key<RtspTransport> RTSP_TRANSPORT = Key.of("rtspTransport", RtspTransport.AUTOMATIC, v -> {
        String t = ConfNode.text(v);
        if (t.strip().equalsIgnoreCase("multicast")) {
            throw new BadValue("rtspTransport multicast: Sluice's RTSP source reads unicast UDP or TCP only",
                    "udp, tcp, automatic");
        }
        return RtspTransport.fromYaml(t, true);
    });
    static final Key<Boolean> RTSP_ANY_PORT = Key.of("rtspAnyPort", false, ConfNode::bool);
    static final Key<String> WHEP_BEARER_TOKEN = Key.string("whepBearerToken", "");
    static final Key<Duration> RECONNECT_DELAY = Key.positive("sourceReconnectDelay",
            ForwardDest.DEFAULT_RECONNECT_DELAY);
    static final Key<Duration> RECONNECT_MAX_DELAY = Key.positive("sourceReconnectMaxDelay",
            ForwardDest.DEFAULT_RECONNECT_MAX_DELAY);

    /** A path entry's source keys (read over pathDefaults like its other keys). */
    static final KeyTable<SourceConf> KEYS = new KeyTable<>(List.of(SOURCE, FINGERPRINT, ON_DEMAND,
            ON_DEMAND_START_TIMEOUT, ON_DEMAND_CLOSE_AFTER, RTSP_TRANSPORT, RTSP_ANY_PORT, WHEP_BEARER_TOKEN,
            RECONNECT_DELAY, RECONNECT_MAX_DELAY), RECONNECT_MAX_DELAY, v -> {
                Duration delay = v.get(RECONNECT_DELAY);
                Duration max = v.get(RECONNECT_MAX_DELAY);
                // a long sourceReconnectDelay written alone must not clash with the default cap: the cap meets it
                if (max.equals(ForwardDest.DEFAULT_RECONNECT_MAX_DELAY) && delay.compareTo(max) > 0) {
                    max = delay;
                }
                return new SourceConf(v.get(SOURCE), v.get(FINGERPRINT), v.get(ON_DEMAND),
                        v.get(ON_DEMAND_START_TIMEOUT), v.get(ON_DEMAND_CLOSE_AFTER), v.get(RTSP_TRANSPORT),
                        v.get(RTSP_ANY_PORT), v.get(WHEP_BEARER_TOKEN), delay, max);
            });

    public SourceConf {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(fingerprint, "fingerprint");
        ForwardDest.checkPositive(Objects.requireNonNull(onDemandStartTimeout, "onDemandStartTimeout"));
        ForwardDest.checkNotNegative(Objects.requireNonNull(onDemandCloseAfter, "onDemandCloseAfter"));
        Objects.requireNonNull(rtspTransport, "rtspTransport");
        Objects.requireNonNull(whepBearerToken, "whepBearerToken");
        ForwardDest.checkPositive(Objects.requireNonNull(reconnectDelay, "reconnectDelay"));
        if (Objects.requireNonNull(reconnectMaxDelay, "reconnectMaxDelay").compareTo(reconnectDelay) < 0) {
            throw new BadValue("sourceReconnectMaxDelay " + Durations.format(reconnectMaxDelay)
                    + " is below sourceReconnectDelay " + Durations.format(reconnectDelay),
                    "a duration >= sourceReconnectDelay");
        }
    }

    /**
     * This source for one stream path: mediamtx's $MTX_PATH and $G1... in the URL replaced (groups of the
     * entry's regex, see {@link PathVariables}) and the result parsed again.
     *
     * @throws IllegalArgumentException when the expanded URL is not valid (e.g. a group held a '/' in the host)
     */
    SourceConf expanded(String pathName, List<String> groups) {
        if (!PathVariables.hasVariables(url.raw())) {
            return this;
        }
        SourceUrl u = SourceUrlParser.parse(PathVariables.expand(url.raw(), pathName, groups));
        return new SourceConf(u, fingerprint, onDemand, onDemandStartTimeout, onDemandCloseAfter, rtspTransport,
                rtspAnyPort, whepBearerToken, reconnectDelay, reconnectMaxDelay);
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
