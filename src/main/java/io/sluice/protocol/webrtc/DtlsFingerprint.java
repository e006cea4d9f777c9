package io.sluice.protocol.webrtc;

import io.sluice.protocol.sdp.SdpException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * DtlsFingerprint is the certificate fingerprint of an {@code a=fingerprint} line (RFC 8122 §5), e.g.
 * "sha-256 AB:CD:...": DTLS-SRTP checks the peer's certificate against it. It is the one fingerprint type:
 * the SDP parser reads it, the answer writes it, and the DTLS transport pins the peer's certificate with it
 * ({@link #matches}); in WebRTC that check is the whole authentication of the media path.
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

    /**
     * The fingerprint of a DER-encoded certificate under one hash function.
     *
     * @param algorithm the RFC 8122 hash function name, e.g. "sha-256"
     * @throws IllegalArgumentException naming the algorithm when the JDK does not compute it
     */
    public static DtlsFingerprint of(String algorithm, byte[] der) {
        byte[] d = digest(algorithm).digest(der);
        return new DtlsFingerprint(algorithm, HexFormat.ofDelimiter(":").withUpperCase().formatHex(d));
    }

    /**
     * This fingerprint, once its hash function is known to be one the JDK computes: a fingerprint that cannot
     * be checked would fail every handshake later, with a less clear message.
     *
     * @throws IllegalArgumentException naming the algorithm otherwise
     */
    public DtlsFingerprint checkedHash() {
        digest(algorithm);
        return this;
    }

    /** Whether {@code der} is the certificate this fingerprint pins. */
    public boolean matches(byte[] der) {
        return of(algorithm, der).equals(this);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            // RFC 8122 names ("sha-256") are the JDK's ("SHA-256") in lower case
            return MessageDigest.getInstance(algorithm.toUpperCase(Locale.ROOT));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("DTLS fingerprint hash function " + algorithm + " is not supported", e);
        }
    }

    /** The {@code a=fingerprint} value. */
    public String sdp() {
        return algorithm + " " + value;
    }
}
