package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Vp9Keyframes detects key frames in VP9 RTP payloads
 * (<a href="https://datatracker.ietf.org/doc/html/draft-ietf-payload-vp9-16#section-4.2">draft-ietf-payload-vp9 §4.2</a>,
 * now RFC 9628): the packet that begins a frame (B=1) which is not inter-picture predicted (P=0).
 */
final class Vp9Keyframes {

    static final KeyframeDetector DETECTOR = Vp9Keyframes::isKeyframe;

    private Vp9Keyframes() {
    }

    static boolean isKeyframe(ByteBuf b, int off, int len) {
        if (len < 2) {
            return false; // a descriptor without frame data
        }
        int d0 = b.getByte(off);
        // P (0x40) set means inter-picture predicted; B (0x08) marks the first packet of a frame.
        // With spatial layers only the base layer's P is 0 on a key picture; upper layers of the
        // same picture predict from it, so the base layer's start is the place a reader can start.
        return (d0 & 0x40) == 0 && (d0 & 0x08) != 0;
    }
}
