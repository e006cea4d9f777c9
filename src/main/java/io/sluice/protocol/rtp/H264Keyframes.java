package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * H264Keyframes detects IDR pictures and SPS in H.264 RTP payloads
 * (<a href="https://www.rfc-editor.org/rfc/rfc6184#section-5.2">RFC 6184 §5.2</a>): single NAL units,
 * STAP-A and the first fragment of an FU-A.
 */
final class H264Keyframes {

    static final int NAL_IDR = 5;
    static final int NAL_SEI = 6;
    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;
    static final int NAL_AUD = 9;
    static final int STAP_A = 24;
    static final int STAP_B = 25;
    static final int MTAP16 = 26;
    static final int MTAP24 = 27;
    static final int FU_A = 28;
    static final int FU_B = 29;

    static final KeyframeDetector DETECTOR = H264Keyframes::isKeyframe;

    private H264Keyframes() {
    }

    static boolean isKeyNalType(int type) {
        return type == NAL_IDR || type == NAL_SPS;
    }

    static boolean isKeyframe(ByteBuf b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = b.getByte(off) & 0x1f;
        switch (type) {
            case STAP_A -> {
                int p = off + 1;
                int end = off + len;
                while (end - p >= 3) {
                    int size = b.getUnsignedShort(p);
                    if (size == 0 || size > end - p - 2) {
                        return false;
                    }
                    if (isKeyNalType(b.getByte(p + 2) & 0x1f)) {
                        return true;
                    }
                    p += 2 + size;
                }
                return false;
            }
            case FU_A -> {
                if (len < 2) {
                    return false;
                }
                int fuHeader = b.getByte(off + 1);
                return (fuHeader & 0x80) != 0 && isKeyNalType(fuHeader & 0x1f);
            }
            // MTAP and STAP-B/FU-B exist only in interleaved mode, which Sluice does not accept
            default -> {
                return isKeyNalType(type);
            }
        }
    }
}
