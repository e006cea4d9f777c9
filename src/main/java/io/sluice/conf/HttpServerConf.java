package io.sluice.conf;

import java.util.List;
import java.util.Objects;

/**
 * HttpServerConf is the settings of one of mediamtx's plain HTTP servers, the control API or the
 * Prometheus metrics: its address and HTTPS, under the server's key prefix (apiAddress, apiEncryption...).
 *
 * @param enabled {@code api}/{@code metrics}: whether the server runs (Sluice's default: yes; mediamtx's: no)
 * @param address listen address
 * @param tls {@code <prefix>Encryption} (yes: HTTPS only, no: HTTP only), {@code <prefix>ServerKey},
 *     {@code <prefix>ServerCert}
 */
public record HttpServerConf(boolean enabled, String address, TlsServerConf tls) {

    static final KeyTable<HttpServerConf> API = keys("api", ":9997");
    static final KeyTable<HttpServerConf> METRICS = keys("metrics", ":9998");

    public HttpServerConf {
        Addresses.check(address);
        Objects.requireNonNull(tls, "tls");
    }

    /** The keys of the server whose keys start with prefix ("api", "metrics"). */
    private static KeyTable<HttpServerConf> keys(String prefix, String defaultAddress) {
        Key<Boolean> enabled = Key.toggle(prefix);
        Key<String> address = Key.address(prefix + "Address", defaultAddress);
        TlsServerConf.Keys tls = TlsServerConf.Keys.http(prefix);
        return new KeyTable<>(List.of(enabled, address, tls.encryption(), tls.serverKey(), tls.serverCert()), tls.encryption(),
                v -> {
                    TlsServerConf t = tls.from(v);
                    t.check(prefix);
                    return new HttpServerConf(v.get(enabled), v.get(address), t);
                });
    }
}
