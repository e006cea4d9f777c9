package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * H265Keyframes detects IRAP pictures (BLA, IDR, CRA) and VPS/SPS in H.265 RTP payloads
 * (<a href="https://www.rfc-editor.org/rfc/rfc7798#section-4.4">RFC 7798 §4.4</a>): single NAL units,
 * aggregation packets and the first fragment of a fragmentation unit, without DONL fields.
 */
final class H265Keyframes {

    static final int NAL_BLA_W_LP = 16;
    static final int NAL_RSV_IRAP_23 = 23;
    static final int NAL_IDR_W_RADL = 19;
    static final int NAL_IDR_N_LP = 20;
    static final int NAL_CRA = 21;
    static final int NAL_VPS = 32;
    static final int NAL_SPS = 33;
    static final int NAL_PPS = 34;
    static final int AP = 48;
    static final int FU = 49;
    static final int PACI = 50;

    static final KeyframeDetector DETECTOR = H265Keyframes::isKeyframe;

    private H265Keyframes() {
    }

    static int nalType(int firstHeaderByte) {
        return (firstHeaderByte >> 1) & 0x3f;
    }

    /** BLA/IDR/CRA (16..21) or VPS/SPS; 22..23 are reserved IRAP types no encoder emits. */
    static boolean isKeyNalType(int type) {
        return (type >= NAL_BLA_W_LP && type <= NAL_CRA) || type == NAL_VPS || type == NAL_SPS;
    }

    static boolean isIrap(int type) {
        return type >= NAL_BLA_W_LP && type <= NAL_RSV_IRAP_23;
    }

    static boolean isKeyframe(ByteBuf b, int off, int len) {
        if (len < 2) {
            return false;
        }
        int type = nalType(b.getByte(off));
        switch (type) {
            case AP -> {
                int p = off + 2;
                int end = off + len;
                while (end - p >= 4) {
                    int size = b.getUnsignedShort(p);
                    if (size < 2 || size > end - p - 2) {
                        return false;
                    }
                    if (isKeyNalType(nalType(b.getByte(p + 2)))) {
                        return true;
                    }
                    p += 2 + size;
                }
                return false;
            }
            case FU -> {
                if (len < 3) {
                    return false;
                }
                int fuHeader = b.getByte(off + 2);
                return (fuHeader & 0x80) != 0 && isKeyNalType(fuHeader & 0x3f);
            }
            default -> {
                return isKeyNalType(type);
            }
        }
    }
}
