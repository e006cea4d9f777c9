package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Vp9Keyframes detects key frames in VP9 RTP payloads
 * (<a href="https://www.rfc-editor.org/rfc/rfc9628#section-4.2">RFC 9628 §4.2</a>, formerly
 * draft-ietf-payload-vp9): the packet that begins a frame (B=1), is not inter-picture predicted (P=0)
 * and whose VP9 uncompressed header says KEY_FRAME.
 *
 * <p>The header check is there because FFmpeg's packetizer (5.1 at least) never sets P, so every frame
 * it sends looks like an intra frame by the descriptor alone.
 */
final class Vp9Keyframes {

    static final KeyframeDetector DETECTOR = Vp9Keyframes::isKeyframe;

    private static final int I = 0x80;
    private static final int P = 0x40;
    private static final int L = 0x20;
    private static final int F = 0x10;
    private static final int B = 0x08;
    private static final int V = 0x02;
    /** VP9 frame_marker (VP9 bitstream §6.2). */
    static final int FRAME_MARKER = 2;

    private Vp9Keyframes() {
    }

    static boolean isKeyframe(ByteBuf b, int off, int len) {
        int p = frameHeader(b, off, len);
        if (p < 0) {
            return false;
        }
        int h = b.getUnsignedByte(p);
        // not a parseable header: trust the descriptor
        return h >> 6 != FRAME_MARKER || isKeyHeader(h);
    }

    /**
     * Whether the first byte of a VP9 uncompressed header (frame_marker already checked) says a shown key frame:
     * show_existing_frame 0 and frame_type KEY_FRAME.
     */
    static boolean isKeyHeader(int h) {
        int profile = ((h >> 5) & 1) | (((h >> 4) & 1) << 1);
        int bit = profile == 3 ? 2 : 3; // position of show_existing_frame, after a reserved bit in profile 3
        boolean showExisting = ((h >> bit) & 1) != 0;
        boolean interFrame = ((h >> (bit - 1)) & 1) != 0; // frame_type: 0 = KEY_FRAME
        return !showExisting && !interFrame;
    }

    /**
     * The offset of the VP9 uncompressed header (VP9 bitstream §6.2) when this RTP payload begins a frame
     * that the descriptor says is not inter-picture predicted (B=1, P=0), else -1.
     */
    static int frameHeader(ByteBuf b, int off, int len) {
        if (len < 2) {
            return -1;
        }
        int end = off + len;
        int d0 = b.getByte(off);
        // With spatial layers only the base layer's P is 0 on a key picture; the upper layers of the
        // same picture predict from it, so the base layer's start is where a reader can start.
        if ((d0 & P) != 0 || (d0 & B) == 0) {
            return -1;
        }
        int p = off + 1;
        if ((d0 & I) != 0) {
            p += (b.getByte(p) & 0x80) != 0 ? 2 : 1; // 7- or 15-bit picture ID
        }
        if ((d0 & L) != 0) {
            p += (d0 & F) != 0 ? 1 : 2; // layer indices, plus TL0PICIDX in non-flexible mode
        }
        // F with P=0 has no reference indices
        if ((d0 & V) != 0) {
            p = skipScalabilityStructure(b, p, end);
        }
        return p < 0 || p >= end ? -1 : p;
    }

    /** Returns the offset after the scalability structure, or -1 when it overruns the payload. */
    private static int skipScalabilityStructure(ByteBuf b, int p, int end) {
        if (p >= end) {
            return -1;
        }
        int ss = b.getUnsignedByte(p++);
        int spatialLayers = (ss >> 5) + 1;
        if ((ss & 0x10) != 0) { // Y: width and height per layer
            p += 4 * spatialLayers;
        }
        if ((ss & 0x08) != 0) { // G: picture group description
            if (p >= end) {
                return -1;
            }
            int groups = b.getUnsignedByte(p++);
            for (int i = 0; i < groups; i++) {
                if (p >= end) {
                    return -1;
                }
                int refs = (b.getUnsignedByte(p++) >> 2) & 0x03;
                p += refs;
            }
        }
        return p;
    }
}
