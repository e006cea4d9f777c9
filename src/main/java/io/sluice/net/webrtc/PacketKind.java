package io.sluice.net.webrtc;

/**
 * Demultiplexes what arrives on a BUNDLEd, rtcp-muxed ICE socket by its first byte (RFC 7983 §7;
 * STUN never reaches us, ice4j filters it out first).
 */
enum PacketKind {
    DTLS, RTP, RTCP, OTHER;

    static PacketKind of(byte[] b, int off, int len) {
        if (len < 2) {
            return OTHER;
        }
        int first = b[off] & 0xFF;
        if (first >= 20 && first <= 63) {
            return DTLS;
        }
        if (first >= 128 && first <= 191) {
            // RFC 5761 §4: with rtcp-mux, RTCP packet types 192..223 sit where RTP has marker+PT 64..95,
            // which is why those RTP payload types must not be used
            int second = b[off + 1] & 0xFF;
            return second >= 192 && second <= 223 ? RTCP : RTP;
        }
        return OTHER;
    }
}
