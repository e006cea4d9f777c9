package io.sluice.protocol.webrtc;

import io.sluice.protocol.sdp.SdpException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * WebrtcSession is a parsed WebRTC offer or answer (RFC 8829 JSEP, RFC 8843 BUNDLE): the BUNDLE group
 * and the m= sections with their codecs, SSRCs and ICE/DTLS parameters.
 *
 * @param bundleMids the mids of the first {@code a=group:BUNDLE}, in order; empty when not bundled
 * @param medias the m= sections in order
 * @param iceLite the session has {@code a=ice-lite}
 */
public record WebrtcSession(List<String> bundleMids, List<WebrtcMedia> medias, boolean iceLite) {

    public WebrtcSession {
        bundleMids = List.copyOf(bundleMids);
        medias = List.copyOf(medias);
    }

    /**
     * Parses an offer or answer. Throws {@link SdpException} naming the bad value when there is no m=
     * line, an accepted section has no ICE credentials or fingerprint, a setup value, candidate,
     * payload type or rtpmap is malformed, or an rtpmap names a payload type that is not on its m=
     * line. Data-channel sections are kept (type APPLICATION, no codecs); unknown attributes are
     * ignored.
     */
    public static WebrtcSession parse(String sdp) throws SdpException {
        return WebrtcSdpParser.parse(sdp);
    }

    /** The ICE credentials of the first accepted section (all bundled sections share them), or null. */
    public IceParams ice() {
        WebrtcMedia m = transportMedia();
        return m == null ? null : m.ice();
    }

    /** The DTLS fingerprint of the first accepted section, or null. */
    public DtlsFingerprint fingerprint() {
        WebrtcMedia m = transportMedia();
        return m == null ? null : m.fingerprint();
    }

    /** The DTLS role of the first accepted section, or null when not given. */
    public DtlsSetup setup() {
        WebrtcMedia m = transportMedia();
        return m == null ? null : m.setup();
    }

    /** The candidates of all sections, without duplicates (bundled peers repeat them per section). */
    public List<IceCandidate> candidates() {
        Set<IceCandidate> all = new LinkedHashSet<>();
        for (WebrtcMedia m : medias) {
            all.addAll(m.candidates());
        }
        return new ArrayList<>(all);
    }

    /** The section with this mid, or null. */
    public WebrtcMedia media(String mid) {
        for (WebrtcMedia m : medias) {
            if (m.mid().equals(mid)) {
                return m;
            }
        }
        return null;
    }

    private WebrtcMedia transportMedia() {
        for (WebrtcMedia m : medias) {
            if (!m.rejected()) {
                return m;
            }
        }
        return medias.isEmpty() ? null : medias.getFirst();
    }
}
