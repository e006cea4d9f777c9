package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.stream.QualityMeter;
import io.sluice.stream.QualityMeter.VideoParams;

/**
 * VpxProbe reads the picture size of a VP8 or VP9 stream from its key frames, for quality conditions
 * ({@code minWidth}, {@code minHeight}): VP8 and VP9 have no parameter sets, but every key frame states its
 * size near its start, in the first RTP packet of the frame (VP8: RFC 6386 §9.1, after the start code; VP9:
 * the uncompressed header's frame_size, bitstream §6.2). Browsers publish VP8/VP9 over WHIP, and change
 * resolution only at a key frame, so this sees every change. Frame rate is left to the meter's measure.
 *
 * <p>Called for every packet of the video media on the publisher's thread: a packet that does not begin a
 * key frame costs a few byte reads. A size equal to the last one reported is not reported again.
 */
final class VpxProbe implements QualityMeter.VideoProbe {
    /** VP8's key frame start code (RFC 6386 §9.1). */
    private static final int VP8_START_CODE = 0x9d012a;
    /** VP9's frame_sync_code (bitstream §7.2). */
    private static final int VP9_SYNC_CODE = 0x498342;
    /** VP9 color_space CS_RGB. */
    private static final int VP9_CS_RGB = 7;
    /** More than a VP9 key frame's uncompressed header needs up to frame_size (at most ~10 bytes). */
    private static final int VP9_HEADER_BYTES = 16;

    private final boolean vp9;
    private int lastWidth;
    private int lastHeight;

    VpxProbe(boolean vp9) {
        this.vp9 = vp9;
    }

    @Override
    public VideoParams probe(ByteBuf rtpPacket) {
        int off = RtpHeader.payloadOffset(rtpPacket);
        if (off < 0) {
            return null;
        }
        int start = rtpPacket.readerIndex() + off;
        int len = RtpHeader.payloadLength(rtpPacket);
        long size = vp9 ? vp9Size(rtpPacket, start, len) : vp8Size(rtpPacket, start, len);
        if (size < 0) {
            return null;
        }
        int w = (int) (size >>> 32);
        int h = (int) size;
        if (w == lastWidth && h == lastHeight) {
            return null;
        }
        lastWidth = w;
        lastHeight = h;
        return new VideoParams(w, h, 0);
    }

    /** Width in the high and height in the low 32 bits, or -1 when this packet does not begin a key frame. */
    static long vp8Size(ByteBuf b, int off, int len) {
        int p = Vp8Keyframes.payloadHeader(b, off, len);
        int end = off + len;
        if (p < 0 || end - p < 10 || (b.getByte(p) & 0x01) != 0 || b.getUnsignedMedium(p + 3) != VP8_START_CODE) {
            return -1;
        }
        int w = b.getUnsignedShortLE(p + 6) & 0x3fff; // the top 2 bits are the upscaling hint
        int h = b.getUnsignedShortLE(p + 8) & 0x3fff;
        return w == 0 || h == 0 ? -1 : (long) w << 32 | h;
    }

    /** As {@link #vp8Size}, from a VP9 key frame's uncompressed header. */
    static long vp9Size(ByteBuf b, int off, int len) {
        int p = Vp9Keyframes.frameHeader(b, off, len);
        // FFmpeg never sets the descriptor's P bit, so every frame start gets here: look at the header's first
        // byte before copying anything, so that only key frames cost an allocation
        if (p < 0 || b.getUnsignedByte(p) >> 6 != Vp9Keyframes.FRAME_MARKER
                || !Vp9Keyframes.isKeyHeader(b.getUnsignedByte(p))) {
            return -1;
        }
        int n = Math.min(VP9_HEADER_BYTES, off + len - p);
        BitReader r = new BitReader(ByteBufUtil.getBytes(b, p, n), "VP9 uncompressed header");
        try {
            if (r.readInt(2) != Vp9Keyframes.FRAME_MARKER) {
                return -1;
            }
            int profile = r.readInt(1) | r.readInt(1) << 1;
            if (profile == 3) {
                r.skip(1); // reserved_zero
            }
            if (r.readFlag() || r.readFlag()) { // show_existing_frame, frame_type (1 = NON_KEY_FRAME)
                return -1;
            }
            r.skip(2); // show_frame, error_resilient_mode
            if (r.readInt(24) != VP9_SYNC_CODE) {
                return -1;
            }
            if (profile >= 2) {
                r.skip(1); // ten_or_twelve_bit
            }
            int colorSpace = r.readInt(3);
            if (colorSpace != VP9_CS_RGB) {
                r.skip(profile == 1 || profile == 3 ? 4 : 1); // color_range [, subsampling_x, _y, reserved_zero]
            } else if (profile == 1 || profile == 3) {
                r.skip(1); // reserved_zero
            }
            long w = r.readBits(16) + 1;
            long h = r.readBits(16) + 1;
            return w << 32 | h;
        } catch (RtpFormatException e) {
            return -1; // a header cut short: the size stays unknown until the next key frame
        }
    }
}
