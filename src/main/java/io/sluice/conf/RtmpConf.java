package io.sluice.conf;

import java.util.List;
import java.util.Objects;

/**
 * RtmpConf is the RTMP server's settings: its plain and RTMPS listeners.
 *
 * @param enabled rtmp: whether the RTMP server (plain and RTMPS) runs
 * @param address listen address of the RTMP server, rtmpAddress
 * @param rtmpsAddress listen address of the RTMPS server
 * @param tls rtmpEncryption (which listeners run: plain, plain and RTMPS, or RTMPS only), rtmpServerKey,
 *     rtmpServerCert
 */
public record RtmpConf(boolean enabled, String address, String rtmpsAddress, TlsServerConf tls) {

    static final Key<Boolean> ENABLED = Key.toggle("rtmp");
    static final Key<String> ADDRESS = Key.address("rtmpAddress", ":1935");
    static final Key<String> RTMPS_ADDRESS = Key.address("rtmpsAddress", ":1936");
    static final TlsServerConf.Keys TLS = TlsServerConf.Keys.listener("rtmp");

    static final KeyTable<RtmpConf> KEYS = new KeyTable<>(List.of(ENABLED, ADDRESS, TLS.encryption(), RTMPS_ADDRESS,
            TLS.serverKey(), TLS.serverCert()), TLS.encryption(),
            v -> new RtmpConf(v.get(ENABLED), v.get(ADDRESS), v.get(RTMPS_ADDRESS), TLS.from(v)));

    public static final RtmpConf DEFAULT = KEYS.defaults();

    public RtmpConf {
        Addresses.check(address);
        Addresses.check(rtmpsAddress);
        Objects.requireNonNull(tls, "tls").check("rtmp");
    }
}
