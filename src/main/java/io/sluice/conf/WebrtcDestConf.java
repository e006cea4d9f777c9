package io.sluice.conf;

import java.util.List;
import java.util.regex.Pattern;

/**
 * WebrtcDestConf holds the WebRTC-specific settings of a WHIP forward target.
 *
 * @param iceServers STUN/TURN servers as "stun:host:port" or "turn:user:pass@host:port" (also turns:)
 * @param fingerprint for whips/https endpoints: the SHA-256 fingerprint of the HTTPS server's certificate,
 *     trusted instead of the system's CAs (a self-signed server); "" = the system's CAs
 * @param relayOnly iceTransportPolicy "relay" (the W3C RTCConfiguration name and values; default "all"): the
 *     target offers and uses only TURN-relayed candidates, for networks where only a TURN server is
 *     reachable; it then needs a TURN server (here or in the remote's Link header)
 */
public record WebrtcDestConf(List<String> iceServers, String fingerprint, boolean relayOnly) {

    static final WebrtcDestConf DEFAULT = new WebrtcDestConf(List.of(), "", false);
    static final String ACCEPTED_POLICY = "all, relay";
    static final String ACCEPTED_ICE = "stun:host[:port], turn:user:pass@host[:port], turns:user:pass@host[:port]";

    private static final Pattern ICE =
            Pattern.compile("(?:stuns?:|turns?:[^:@/\\s]+:[^@/\\s]+@)(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)"
                    + "(?::\\d{1,5})?(?:\\?transport=(?:udp|tcp))?");

    public WebrtcDestConf {
        iceServers = List.copyOf(iceServers);
        iceServers.forEach(WebrtcDestConf::checkIceServer);
        fingerprint = RtspDestConf.normalizeFingerprint(fingerprint);
    }

    /** Settings with ICE servers only. */
    public WebrtcDestConf(List<String> iceServers) {
        this(iceServers, "", false);
    }

    /** iceTransportPolicy: "all" or "relay". */
    static boolean relayOnly(String policy) {
        return switch (policy) {
            case "all" -> false;
            case "relay" -> true;
            default -> throw new BadValue("invalid iceTransportPolicy '" + policy + "'", ACCEPTED_POLICY);
        };
    }

    static void checkIceServer(String s) {
        if (!ICE.matcher(s).matches()) {
            throw new BadValue("invalid ICE server '" + redact(s) + "'", ACCEPTED_ICE);
        }
    }

    @Override
    public String toString() {
        return "WebrtcDestConf[iceServers=" + iceServers.stream().map(WebrtcDestConf::redact).toList()
                + ", fingerprint=" + fingerprint + ", relayOnly=" + relayOnly + "]";
    }

    /** TURN URLs carry credentials before '@'; they have no "//", so {@link Redact#url} does not apply. */
    private static String redact(String ice) {
        return ice.replaceFirst("^(turns?):[^@]*@", "$1:" + Redact.MASK + "@");
    }
}
