package io.sluice.protocol.webrtc;

import io.sluice.stream.MediaType;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * WebrtcMedia is one m= section of a WebRTC offer or answer, reduced to what negotiation and the
 * transport need.
 *
 * @param mid the {@code a=mid} value, "" when absent
 * @param port the m= port; a {@code a=bundle-only} section of the BUNDLE group (port 0 in an offer,
 *     RFC 8843 §6) gets the port of the group's first section, because its 0 means "shares the
 *     BUNDLE transport", not "rejected"
 * @param direction the media or session direction attribute, SENDRECV when neither is given
 * @param codecs the payload formats in m= line order, RTX formats folded into
 *     {@link RtpCodec#rtxPayloadType()}; empty for non-RTP sections (data channels)
 * @param ssrcs the primary media SSRCs in order of appearance (RTX and FEC SSRCs excluded)
 * @param rtxSsrcs primary SSRC to RTX SSRC, from {@code a=ssrc-group:FID}
 * @param cname the first {@code a=ssrc:N cname:} value, "" when none
 * @param ice media-level, else session-level, else the BUNDLE group's first section's; null only
 *     for rejected sections
 * @param fingerprint resolved the same way as {@code ice}
 * @param setup resolved the same way as {@code ice}; null when nowhere given
 */
public record WebrtcMedia(String mid, MediaType type, int port, Direction direction, List<RtpCodec> codecs,
        List<Extmap> extmaps, List<Long> ssrcs, Map<Long, Long> rtxSsrcs, String cname, IceParams ice,
        DtlsFingerprint fingerprint, DtlsSetup setup, List<IceCandidate> candidates, boolean rtcpMux) {

    public WebrtcMedia {
        mid = mid == null ? "" : mid;
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(direction, "direction");
        codecs = List.copyOf(codecs);
        extmaps = List.copyOf(extmaps);
        ssrcs = List.copyOf(ssrcs);
        rtxSsrcs = Map.copyOf(rtxSsrcs);
        cname = cname == null ? "" : cname;
        candidates = List.copyOf(candidates);
    }

    public boolean rejected() {
        return port == 0;
    }

    /** The id of the extension with this URI, or -1. */
    public int extmapId(String uri) {
        for (Extmap e : extmaps) {
            if (e.uri().equals(uri)) {
                return e.id();
            }
        }
        return -1;
    }

    /** The payload format with this payload type (primary formats only), or null. */
    public RtpCodec codec(int payloadType) {
        for (RtpCodec c : codecs) {
            if (c.payloadType() == payloadType) {
                return c;
            }
        }
        return null;
    }
}
