package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Av1Keyframes detects the start of a coded video sequence in AV1 RTP payloads
 * (<a href="https://aomediacodec.github.io/av1-rtp-spec/#44-av1-aggregation-header">AV1 RTP
 * specification §4.4</a>): the aggregation header's N bit, which a sender sets on the first packet
 * of a sequence that starts with a key frame.
 */
final class Av1Keyframes {

    static final KeyframeDetector DETECTOR = Av1Keyframes::isKeyframe;

    private Av1Keyframes() {
    }

    static boolean isKeyframe(ByteBuf b, int off, int len) {
        // N is meaningless on a packet that continues an OBU (Z=1); require Z=0 to be strict
        return len >= 2 && (b.getByte(off) & 0x08) != 0 && (b.getByte(off) & 0x80) == 0;
    }
}
