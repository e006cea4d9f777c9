package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Vp8Keyframes detects key frames in VP8 RTP payloads
 * (<a href="https://www.rfc-editor.org/rfc/rfc7741#section-4.3">RFC 7741 §4.3</a>): the packet that
 * starts partition 0 (S=1, PID=0) and whose VP8 payload header has P=0.
 */
final class Vp8Keyframes {

    static final KeyframeDetector DETECTOR = Vp8Keyframes::isKeyframe;

    private Vp8Keyframes() {
    }

    static boolean isKeyframe(ByteBuf b, int off, int len) {
        int p = payloadHeader(b, off, len);
        // VP8 payload header: bit 0 of the first byte is the inverse key frame flag (RFC 6386 §9.1)
        return p >= 0 && (b.getByte(p) & 0x01) == 0;
    }

    /**
     * The offset of the VP8 payload header (the frame tag, RFC 6386 §9.1) when this RTP payload starts
     * partition 0 of a frame, else -1.
     */
    static int payloadHeader(ByteBuf b, int off, int len) {
        if (len < 1) {
            return -1;
        }
        int end = off + len;
        int d0 = b.getByte(off);
        if ((d0 & 0x10) == 0 || (d0 & 0x07) != 0) {
            return -1; // not the start of partition 0: the payload header is elsewhere
        }
        int p = off + 1;
        if ((d0 & 0x80) != 0) { // X: extension byte
            if (p >= end) {
                return -1;
            }
            int x = b.getByte(p++);
            if ((x & 0x80) != 0) { // I: picture ID, 7 or 15 bits (M)
                if (p >= end) {
                    return -1;
                }
                p += (b.getByte(p) & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                p++;
            }
            if ((x & 0x30) != 0) { // T or K: TID/Y/KEYIDX byte
                p++;
            }
        }
        return p < end ? p : -1;
    }
}
