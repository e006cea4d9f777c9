package io.sluice.conf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * RtspConf is the RTSP server's settings: its TCP listener, the UDP pair of sessions that use UDP, the
 * transports it accepts, and RTSPS.
 *
 * @param enabled rtsp: whether the RTSP server (plain and RTSPS) runs
 * @param address listen address of the RTSP server (TCP), rtspAddress
 * @param rtpAddress UDP address for RTP of RTSP sessions using UDP
 * @param rtcpAddress UDP address for RTCP of RTSP sessions using UDP
 * @param transports transports the server accepts from clients, rtspTransports: UDP and/or TCP; applied
 *     to the next sessions without a restart
 * @param rtspsAddress listen address of the RTSPS server (RTSP over TLS, RTP interleaved)
 * @param tls rtspEncryption, rtspServerKey, rtspServerCert (mediamtx's older names encryption, serverKey,
 *     serverCert are read as the same settings)
 * @param authMethods rtspAuthMethods: the schemes a 401 offers (mediamtx's default: basic alone); Digest
 *     needs the plain password of every account, which {@link Conf} checks
 */
public record RtspConf(boolean enabled, String address, String rtpAddress, String rtcpAddress, Set<RtspTransport> transports,
                       String rtspsAddress, TlsServerConf tls, Set<RtspAuthMethod> authMethods) {

    static final Key<Boolean> ENABLED = Key.toggle("rtsp");
    static final Key<String> ADDRESS = Key.address("rtspAddress", ":8554");
    static final Key<String> RTP_ADDRESS = Key.address("rtpAddress", ":8000");
    static final Key<String> RTCP_ADDRESS = Key.address("rtcpAddress", ":8001");
    static final Key<Set<RtspTransport>> TRANSPORTS = Key.withReader("rtspTransports",
            EnumSet.of(RtspTransport.UDP, RtspTransport.TCP), RtspConf::readTransports);
    static final Key<String> RTSPS_ADDRESS = Key.address("rtspsAddress", ":8322");
    private static final TlsServerConf.Keys TLS_KEYS = TlsServerConf.Keys.listener("rtsp");
    /** mediamtx's names of the RTSP TLS keys before v1.x renamed them. */
    static final TlsServerConf.Keys TLS = new TlsServerConf.Keys(TLS_KEYS.encryption().withOlderName("encryption"),
            TLS_KEYS.serverKey().withOlderName("serverKey"), TLS_KEYS.serverCert().withOlderName("serverCert"));

    static final Key<Set<RtspAuthMethod>> AUTH_METHODS = Key.withReader("rtspAuthMethods",
            EnumSet.of(RtspAuthMethod.BASIC), RtspConf::readAuthMethods);

    static final KeyTable<RtspConf> KEYS = new KeyTable<>(List.of(ENABLED, ADDRESS, RTP_ADDRESS, RTCP_ADDRESS, TRANSPORTS,
            TLS.encryption(), RTSPS_ADDRESS, TLS.serverKey(), TLS.serverCert(), AUTH_METHODS), TLS.encryption(),
            v -> new RtspConf(v.get(ENABLED), v.get(ADDRESS), v.get(RTP_ADDRESS), v.get(RTCP_ADDRESS), v.get(TRANSPORTS),
                    v.get(RTSPS_ADDRESS), TLS.from(v), v.get(AUTH_METHODS)));

    public static final RtspConf DEFAULT = KEYS.defaults();

    public RtspConf {
        Addresses.check(address);
        Addresses.check(rtpAddress);
        Addresses.check(rtcpAddress);
        transports = checkTransports(transports);
        Addresses.check(rtspsAddress);
        Objects.requireNonNull(tls, "tls").check("rtsp");
        if (authMethods.isEmpty()) {
            throw new BadValue("no RTSP auth method", RtspAuthMethod.ACCEPTED);
        }
        authMethods = Collections.unmodifiableSet(EnumSet.copyOf(authMethods));
    }

    /** Whether the 401 offers only Digest, which cannot check a password kept as a hash. */
    public boolean digestOnly() {
        return !authMethods.contains(RtspAuthMethod.BASIC);
    }

    private static Set<RtspAuthMethod> readAuthMethods(ConfNode n, String key, Set<RtspAuthMethod> def) {
        if (!n.has(key)) {
            return def;
        }
        int before = n.problems().size();
        Set<RtspAuthMethod> out = EnumSet.noneOf(RtspAuthMethod.class);
        for (ConfNode.Element e : n.list(key, RtspAuthMethod.ACCEPTED)) {
            try {
                out.add(RtspAuthMethod.fromYaml(ConfNode.text(e.node())));
            } catch (BadValue b) {
                n.problems().add(e.path(), b);
            }
        }
        if (out.isEmpty()) {
            if (n.problems().size() == before) {
                n.problems().add(n.keyPath(key), "no RTSP auth method", RtspAuthMethod.ACCEPTED);
            }
            return def;
        }
        return out;
    }

    private static final String MULTICAST = "multicast";
    private static final List<String> MEDIAMTX_DEFAULT = List.of("udp", MULTICAST, "tcp");

    static Set<RtspTransport> checkTransports(Set<RtspTransport> transports) {
        if (transports.isEmpty()) {
            throw new BadValue("no transport", "a list of udp, tcp");
        }
        if (transports.contains(RtspTransport.AUTOMATIC)) {
            throw new BadValue("'automatic' is for forward targets, not the server", "udp, tcp");
        }
        return Collections.unmodifiableSet(EnumSet.copyOf(transports));
    }

    private static Set<RtspTransport> readTransports(ConfNode n, String key, Set<RtspTransport> def) {
        if (!n.has(key)) {
            return def;
        }
        int before = n.problems().size();
        Set<RtspTransport> out = EnumSet.noneOf(RtspTransport.class);
        List<String> written = new ArrayList<>();
        for (ConfNode.Element e : n.list(key, "a list of udp, tcp")) {
            try {
                String s = ConfNode.text(e.node());
                written.add(s.strip().toLowerCase(Locale.ROOT));
                // mediamtx's default list has "multicast"; Sluice does not serve multicast, so skip it
                // rather than break every mediamtx.yml.
                if (!s.strip().equalsIgnoreCase(MULTICAST)) {
                    out.add(RtspTransport.fromYaml(s, false));
                }
            } catch (BadValue b) {
                n.problems().add(e.path(), b);
            }
        }
        // mediamtx's default list (a stock mediamtx.yml) starts quietly; any other list asking for multicast warns
        if (written.contains(MULTICAST) && !written.equals(MEDIAMTX_DEFAULT)) {
            n.problems().warn(n.keyPath(key), written + " — Sluice serves RTSP over unicast UDP and TCP only:"
                    + " multicast is not served");
        }
        if (out.isEmpty()) {
            if (n.problems().size() == before) {
                n.problems().add(n.keyPath(key), "no transport", "a list of udp, tcp");
            }
            return def;
        }
        return out;
    }
}
