package io.sluice.conf;

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
}
