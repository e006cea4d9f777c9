package io.sluice.protocol.webrtc;

import io.sluice.protocol.sdp.SdpException;
import java.util.Locale;

/**
 * DtlsSetup is the {@code a=setup} DTLS role of an endpoint (RFC 4145 §4, RFC 8842 §5): who opens the
 * DTLS handshake. {@code holdconn} is not accepted: WebRTC never uses it.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8842#section-5">RFC 8842 §5</a>
 */
public enum DtlsSetup {
    ACTPASS, ACTIVE, PASSIVE;

    /** Parses an {@code a=setup} value, case-insensitively. */
    public static DtlsSetup parse(String value) throws SdpException {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "actpass" -> ACTPASS;
            case "active" -> ACTIVE;
            case "passive" -> PASSIVE;
            default -> throw new SdpException("unknown a=setup value \"" + value
                    + "\", expected actpass, active or passive");
        };
    }

    /** The {@code a=setup} value. */
    public String sdp() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role this endpoint (preferring {@code this}) takes in an answer to an offer that said
     * {@code offered}: the opposite of a fixed offered role, else {@code this} unless it is
     * ACTPASS, which an answer may not say (RFC 8842 §5.2), so PASSIVE. The DTLS layer calls the same
     * method so that the role it plays is the one the answer announced.
     */
    public DtlsSetup answering(DtlsSetup offered) {
        if (offered == ACTIVE) {
            return PASSIVE;
        }
        if (offered == PASSIVE) {
            return ACTIVE;
        }
        return this == ACTPASS ? PASSIVE : this;
    }
}
