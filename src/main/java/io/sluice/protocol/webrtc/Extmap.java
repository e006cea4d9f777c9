package io.sluice.protocol.webrtc;

import java.util.Objects;

/**
 * Extmap is one negotiated RTP header extension ({@code a=extmap}, RFC 8285 §8): its local id and URI.
 *
 * @param id 1..14 for one-byte headers, up to 255 for two-byte headers
 * @param uri the extension's URI, e.g. "urn:ietf:params:rtp-hdrext:sdes:mid"
 */
public record Extmap(int id, String uri) {
    /** RFC 9143 §15: the mid of the m= section, how a BUNDLE receiver demuxes before it learns the SSRCs. */
    public static final String SDES_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String TRANSPORT_WIDE_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    public Extmap {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("invalid extmap id " + id + ", expected 1..255");
        }
        Objects.requireNonNull(uri, "uri");
    }
}
