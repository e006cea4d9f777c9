package io.sluice.protocol.webrtc;

import java.util.List;
import java.util.Objects;

/**
 * LocalEndpoint is what Sluice writes about itself in every SDP it produces: its ICE credentials,
 * DTLS certificate fingerprint and role, gathered candidates and the RTCP CNAME.
 *
 * @param setup ACTPASS for offers; for answers the preferred role (ACTPASS is answered as PASSIVE)
 * @param candidates written on every accepted m= section, followed by {@code a=end-of-candidates};
 *     empty when candidates are trickled later
 * @param cname the {@code a=ssrc:N cname:} value, also used as the {@code a=msid} stream id
 */
public record LocalEndpoint(IceParams ice, DtlsFingerprint fingerprint, DtlsSetup setup,
        List<IceCandidate> candidates, String cname) {

    public LocalEndpoint {
        Objects.requireNonNull(ice, "ice");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(setup, "setup");
        candidates = List.copyOf(candidates);
        Objects.requireNonNull(cname, "cname");
        if (cname.isBlank() || cname.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid cname \"" + cname + "\": must be a non-empty token");
        }
    }
}
