package io.sluice.conf;

import java.util.List;
import java.util.Objects;

/**
 * WebrtcServerConf holds the settings of the WebRTC (WHIP/WHEP) server: its HTTP address, the one UDP
 * port every peer connection shares, what it tells peers about reaching it, and HTTPS.
 *
 * @param enabled webrtc: whether the WebRTC server (its HTTP listener and UDP port) runs
 * @param address listen address of the HTTP server (WHIP, WHEP, pages), webrtcAddress
 * @param localUdpAddress the single UDP address all ICE sessions share (ufrag-demultiplexed)
 * @param localTcpAddress webrtcLocalTCPAddress: the single TCP address for passive ICE-TCP candidates (RFC 6544),
 *     shared by all sessions like the UDP one; "" (mediamtx's default) = no ICE-TCP
 * @param additionalHosts extra host names or IPs to advertise as ICE host candidates, e.g. a public IP
 *     in front of a NAT; the addresses of the local interfaces are always advertised
 * @param iceServers STUN/TURN servers offered to WHIP/WHEP clients in Link headers, in the form of
 *     {@link WebrtcDestConf#iceServers()}
 * @param tls webrtcEncryption (yes: HTTPS only, no: HTTP only), webrtcServerKey, webrtcServerCert
 * @param lazyStart webrtcLazyStart (Sluice's key, default no): yes starts ice4j, the DTLS certificate and the
 *     SRTP warm-up with the first WebRTC peer instead of at start, which saves ~75 MB of idle RSS and costs that
 *     first peer 1-3 s (README "Memory footprint")
 */
public record WebrtcServerConf(boolean enabled, String address, String localUdpAddress, String localTcpAddress,
                               List<String> additionalHosts, List<String> iceServers, TlsServerConf tls,
                               boolean lazyStart) {

    static final Key<Boolean> ENABLED = Key.toggle("webrtc");
    static final Key<String> ADDRESS = Key.address("webrtcAddress", ":8889");
    static final Key<String> LOCAL_UDP_ADDRESS = Key.address("webrtcLocalUDPAddress", ":8189");
    static final Key<String> LOCAL_TCP_ADDRESS = Key.of("webrtcLocalTCPAddress", "", v -> {
        String a = ConfNode.text(v);
        return a.isEmpty() ? a : Addresses.check(a);
    });
    static final Key<List<String>> ADDITIONAL_HOSTS = Key.withReader("webrtcAdditionalHosts", List.of(),
            (n, key, def) -> n.has(key)
                    ? n.strings(key, "a list of host names or IPs", WebrtcServerConf::checkHost) : def);
    static final Key<List<String>> ICE_SERVERS = Key.withReader("webrtcICEServers", List.of(),
            (n, key, def) -> n.has(key)
                    ? n.strings(key, WebrtcDestConf.ACCEPTED_ICE, WebrtcDestConf::checkIceServer) : def);
    static final TlsServerConf.Keys TLS = TlsServerConf.Keys.http("webrtc");
    static final Key<Boolean> LAZY_START = Key.of("webrtcLazyStart", false, ConfNode::bool);

    static final KeyTable<WebrtcServerConf> KEYS = new KeyTable<>(List.of(ENABLED, ADDRESS, LOCAL_UDP_ADDRESS,
            LOCAL_TCP_ADDRESS, ADDITIONAL_HOSTS, ICE_SERVERS, TLS.encryption(), TLS.serverKey(), TLS.serverCert(),
            LAZY_START), TLS.encryption(),
            v -> new WebrtcServerConf(v.get(ENABLED), v.get(ADDRESS), v.get(LOCAL_UDP_ADDRESS),
                    v.get(LOCAL_TCP_ADDRESS), v.get(ADDITIONAL_HOSTS),
                    v.get(ICE_SERVERS), TLS.from(v), v.get(LAZY_START)));

    public static final WebrtcServerConf DEFAULT = KEYS.defaults();

    public WebrtcServerConf {
        Addresses.check(Objects.requireNonNull(address, "address"));
        Addresses.check(Objects.requireNonNull(localUdpAddress, "localUdpAddress"));
        if (!Objects.requireNonNull(localTcpAddress, "localTcpAddress").isEmpty()) {
            Addresses.check(localTcpAddress);
        }
        additionalHosts = List.copyOf(additionalHosts);
        additionalHosts.forEach(WebrtcServerConf::checkHost);
        iceServers = List.copyOf(iceServers);
        iceServers.forEach(WebrtcDestConf::checkIceServer);
        Objects.requireNonNull(tls, "tls").check("webrtc");
    }

    private static void checkHost(String h) {
        if (h.isBlank() || h.contains(" ") || h.contains("/")) {
            throw new BadValue("invalid additional host '" + h + "'", "a host name or an IP address");
        }
    }
}
