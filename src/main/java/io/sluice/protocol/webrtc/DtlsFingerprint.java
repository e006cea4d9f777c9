package io.sluice.protocol.webrtc;

import io.sluice.protocol.sdp.SdpException;
import java.util.Locale;
import java.util.Objects;

/**
 * DtlsFingerprint is the certificate fingerprint of an {@code a=fingerprint} line (RFC 8122 §5), e.g.
 * "sha-256 AB:CD:...": DTLS-SRTP checks the peer's certificate against it.
 *
 * @param algorithm the hash function name in lower case, e.g. "sha-256"
 * @param value the colon-separated upper-case hex bytes
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8122#section-5">RFC 8122 §5</a>
 */
public record DtlsFingerprint(String algorithm, String value) {
    /** SHA-512 gives 64 bytes; anything longer is not a fingerprint. */
    private static final int MAX_BYTES = 64;

    public DtlsFingerprint {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(value, "value");
        algorithm = algorithm.toLowerCase(Locale.ROOT);
        value = value.toUpperCase(Locale.ROOT);
    }

    /** Parses the value of an {@code a=fingerprint} attribute. */
    public static DtlsFingerprint parse(String attrValue) throws SdpException {
        String[] p = attrValue == null ? new String[0] : attrValue.trim().split("\\s+");
        if (p.length != 2 || p[0].isEmpty()) {
            throw new SdpException("invalid a=fingerprint \"" + attrValue + "\", expected <hash-func> <hex:hex:...>");
        }
        String[] bytes = p[1].split(":", -1);
        if (bytes.length > MAX_BYTES) {
            throw new SdpException("invalid a=fingerprint \"" + attrValue + "\": more than " + MAX_BYTES + " bytes");
        }
        for (String b : bytes) {
            if (b.length() != 2 || Character.digit(b.charAt(0), 16) < 0 || Character.digit(b.charAt(1), 16) < 0) {
                throw new SdpException("invalid a=fingerprint \"" + attrValue + "\": \"" + b
                        + "\" is not a hex byte");
            }
        }
        return new DtlsFingerprint(p[0], p[1]);
    }

    /** The {@code a=fingerprint} value. */
    public String sdp() {
        return algorithm + " " + value;
    }
}
