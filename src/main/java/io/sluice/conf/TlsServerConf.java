package io.sluice.conf;

import java.util.List;
import java.util.Objects;

/**
 * TlsServerConf is one server's TLS setting: which listeners run and the PEM files they use. The paths are
 * only names of files (read when the listener starts); the key itself is never held in the configuration,
 * so it cannot reach a log line, the API or a saved file.
 *
 * @param encryption no (plain only), optional (plain and TLS), strict (TLS only)
 * @param serverKey path of the private key (PEM, PKCS#8 or traditional), "" if none
 * @param serverCert path of the certificate chain (PEM), "" if none
 */
public record TlsServerConf(Encryption encryption, String serverKey, String serverCert) {

    public static final TlsServerConf OFF = new TlsServerConf(Encryption.NO, "", "");

    public TlsServerConf {
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(serverCert, "serverCert");
    }

    /** Throws when TLS is asked for without both files; prefix is the key prefix ("rtsp", "api"...). */
    void check(String prefix) {
        if (encryption.tls() && (serverKey.isBlank() || serverCert.isBlank())) {
            throw new BadValue(prefix + "Encryption '" + encryption.yaml() + "' needs " + prefix + "ServerKey and "
                    + prefix + "ServerCert", "PEM file paths for both");
        }
    }

    /**
     * Keys is mediamtx's three TLS keys of one server, {@code <prefix>Encryption}, {@code <prefix>ServerKey}
     * and {@code <prefix>ServerCert}, as rows of that server's {@link KeyTable}; all default to off.
     */
    record Keys(Key<Encryption> encryption, Key<String> serverKey, Key<String> serverCert) {

        /** A listener with no/optional/strict (RTSP, RTMP): a plain and a TLS listener side by side. */
        static Keys listener(String prefix) {
            String key = prefix + "Encryption";
            return new Keys(Key.of(key, Encryption.NO, v -> Encryption.parse(key, Key.word(v))),
                    Key.string(prefix + "ServerKey", ""), Key.string(prefix + "ServerCert", ""));
        }

        /** An HTTP server with mediamtx's yes/no (API, metrics, WebRTC): HTTPS only or HTTP only. */
        static Keys http(String prefix) {
            String key = prefix + "Encryption";
            return new Keys(Key.of(key, Encryption.NO, v -> Encryption.parseHttp(key, Key.word(v))),
                    Key.string(prefix + "ServerKey", ""), Key.string(prefix + "ServerCert", ""));
        }

        List<Key<?>> rows() {
            return List.of(encryption, serverKey, serverCert);
        }

        TlsServerConf from(KeyTable.Values v) {
            return new TlsServerConf(v.get(encryption), v.get(serverKey), v.get(serverCert));
        }
    }
}
