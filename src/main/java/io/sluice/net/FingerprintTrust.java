package io.sluice.net;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * FingerprintTrust builds the TLS client context of a forward target: the system's CAs by default,
 * or, when the target's certificate fingerprint is configured, exactly that certificate (the way to
 * use a self-signed server without turning verification off).
 */
public final class FingerprintTrust {
    private FingerprintTrust() {
    }

    /** @param sha256Hex lower-case hex SHA-256 of the server certificate, or "" for the system CAs */
    public static SslContext clientContext(String sha256Hex) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient();
        if (!sha256Hex.isEmpty()) {
            b.trustManager(new Pinned(sha256Hex)).endpointIdentificationAlgorithm(null);
        }
        return b.build();
    }

    /**
     * The same pin for the JDK's HTTP client (WHIP targets): exactly the certificate with this SHA-256, and
     * no host name check, since a pinned certificate is trusted as itself.
     *
     * @param sha256Hex lower-case hex SHA-256 of the server certificate (not empty)
     */
    public static SSLContext jdkContext(String sha256Hex) throws SSLException {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new Pinned(sha256Hex)}, null);
            return c;
        } catch (NoSuchAlgorithmException | KeyManagementException e) {
            throw new SSLException("cannot make a TLS context pinned to " + sha256Hex, e);
        }
    }

    /**
     * Accepts a chain only when its leaf certificate has the pinned fingerprint. Extended, so that the JDK
     * does not add its host name check around it (the JDK HTTP client's case; Netty's checks none here).
     */
    private static final class Pinned extends X509ExtendedTrustManager {
        private final String expected;

        Pinned(String expected) {
            this.expected = expected;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("server sent no certificate");
            }
            String got = sha256(chain[0]);
            if (!got.equals(expected)) {
                throw new CertificateException("server certificate fingerprint " + got + " is not the configured "
                        + expected);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not accepted");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        private static String sha256(X509Certificate c) throws CertificateException {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
            } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
                throw new CertificateException("cannot hash the server certificate", e);
            }
        }
    }
}
