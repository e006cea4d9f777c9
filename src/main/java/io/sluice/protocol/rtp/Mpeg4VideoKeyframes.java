package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Mpeg4VideoKeyframes detects intra VOPs and configuration headers in MPEG-4 Part 2 RTP payloads
 * (<a href="https://www.rfc-editor.org/rfc/rfc6416#section-6">RFC 6416 §6</a>, MP4V-ES): a VOP start
 * code (0x000001B6) with vop_coding_type 0, or a visual object sequence or VOL header.
 */
final class Mpeg4VideoKeyframes {

    static final int VOS_START = 0xb0;
    static final int VO_START = 0xb5;
    static final int VOP_START = 0xb6;
    static final int VOL_FIRST = 0x20;
    static final int VOL_LAST = 0x2f;

    static final KeyframeDetector DETECTOR = Mpeg4VideoKeyframes::isKeyframe;

    private Mpeg4VideoKeyframes() {
    }

    static boolean isKeyframe(ByteBuf b, int off, int len) {
        int end = off + len;
        // headers precede the first VOP, so the scan stops at the first VOP start code
        for (int p = off; p + 3 < end; p++) {
            if (b.getByte(p) != 0 || b.getByte(p + 1) != 0 || b.getByte(p + 2) != 1) {
                continue;
            }
            int code = b.getUnsignedByte(p + 3);
            if (code == VOS_START || code == VO_START || (code >= VOL_FIRST && code <= VOL_LAST)) {
                return true;
            }
            if (code == VOP_START) {
                return p + 4 < end && (b.getUnsignedByte(p + 4) >> 6) == 0;
            }
        }
        return false;
    }
}
