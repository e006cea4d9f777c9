package io.sluice.net.webrtc;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * The remote a=fingerprint (RFC 8122 §5, e.g. "sha-256 AB:CD:..."), which the peer's self-signed DTLS
 * certificate must match: in WebRTC this check is the whole authentication of the media path.
 */
final class DtlsFingerprint {
    private final String algorithm;
    private final String hex;
    private volatile String mismatch;

    private DtlsFingerprint(String algorithm, String hex) {
        this.algorithm = algorithm;
        this.hex = hex;
    }

    /** @throws IllegalArgumentException naming the value when it is not "hash-func HEX:HEX:..." */
    static DtlsFingerprint parse(String value) {
        String[] f = value == null ? new String[0] : value.trim().split("\\s+");
        if (f.length != 2 || !f[1].matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2})+")) {
            throw new IllegalArgumentException("malformed DTLS fingerprint \"" + value
                    + "\" (expected e.g. \"sha-256 AB:CD:...\")");
        }
        String alg = f[0].toUpperCase(Locale.ROOT);
        try {
            MessageDigest.getInstance(alg);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("DTLS fingerprint hash function " + f[0] + " is not supported");
        }
        return new DtlsFingerprint(alg, f[1].toUpperCase(Locale.ROOT));
    }

    /** Fails the handshake with bad_certificate unless the peer's leaf certificate has this fingerprint. */
    void verify(Certificate chain, String role) throws IOException {
        if (chain == null || chain.isEmpty()) {
            mismatch = "DTLS " + role + " sent no certificate, expected fingerprint " + this;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, mismatch);
        }
        String got;
        try {
            byte[] d = MessageDigest.getInstance(algorithm).digest(chain.getCertificateAt(0).getEncoded());
            got = HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!got.equals(hex)) {
            mismatch = "DTLS fingerprint mismatch: " + role + " certificate is " + algorithm.toLowerCase(Locale.ROOT)
                    + " " + got + ", the SDP says " + this;
            throw new TlsFatalAlert(AlertDescription.bad_certificate, mismatch);
        }
    }

    /** Why verification failed, or null. */
    String mismatch() {
        return mismatch;
    }

    @Override
    public String toString() {
        return algorithm.toLowerCase(Locale.ROOT) + " " + hex;
    }
}
