package io.sluice.conf;

import java.util.List;
import java.util.Objects;

/**
 * WebrtcServerConf holds the settings of the WebRTC (WHIP/WHEP) server: its HTTP address, the one UDP
 * port every peer connection shares, and what it tells peers about reaching it.
 *
 * @param address listen address of the HTTP server (WHIP, WHEP, pages)
 * @param localUdpAddress the single UDP address all ICE sessions share (ufrag-demultiplexed)
 * @param additionalHosts extra host names or IPs to advertise as ICE host candidates, e.g. a public IP
 *     in front of a NAT; the addresses of the local interfaces are always advertised
 * @param iceServers STUN/TURN servers offered to WHIP/WHEP clients in Link headers, in the form of
 *     {@link WebrtcDestConf#iceServers()}
 */
public record WebrtcServerConf(String address, String localUdpAddress, List<String> additionalHosts,
                               List<String> iceServers) {

    static final WebrtcServerConf DEFAULT = new WebrtcServerConf(":8889", ":8189", List.of(), List.of());

    public WebrtcServerConf {
        Addresses.check(Objects.requireNonNull(address, "address"));
        Addresses.check(Objects.requireNonNull(localUdpAddress, "localUdpAddress"));
        additionalHosts = List.copyOf(additionalHosts);
        for (String h : additionalHosts) {
            if (h.isBlank() || h.contains(" ") || h.contains("/")) {
                throw new BadValue("invalid additional host '" + h + "'", "a host name or an IP address");
            }
        }
        iceServers = List.copyOf(iceServers);
        iceServers.forEach(WebrtcDestConf::checkIceServer);
    }
}
