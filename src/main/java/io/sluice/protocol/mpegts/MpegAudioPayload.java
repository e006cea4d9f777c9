package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;

/**
 * MpegAudioPayload reads the MPEG-1/2 audio frames out of an RTP payload of the MPA format
 * (<a href="https://www.rfc-editor.org/rfc/rfc2250#section-3.5">RFC 2250 §3.5</a>): a 4-byte header
 * (16 bits MBZ, 16 bits fragment offset), then whole frames, or one fragment of a frame larger than a
 * packet. Only whole frames are passed on: a fragment (offset other than 0, or frames that the frame
 * headers say go on past the payload) is dropped rather than reassembled, since senders fragment
 * only frames of more than ~1400 bytes, which MPEG audio at usual bit rates does not have.
 */
final class MpegAudioPayload {
    static final int HEADER_SIZE = 4;

    /** Bit rates in kbit/s by [table][bitrate_index]: V1 L1, V1 L2, V1 L3, V2 L1, V2 L2/L3. */
    private static final int[][] BITRATES = {
        {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
        {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
        {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
    };
    /** Sample rates of MPEG-1; MPEG-2 halves them, MPEG-2.5 quarters them. */
    private static final int[] SAMPLE_RATES = {44100, 48000, 32000};

    private MpegAudioPayload() {
    }

    /**
     * The whole frames of an MPA payload as a slice of it (sharing its bytes and reference count, not
     * retained), or null when the payload is a fragment or too short.
     */
    static ByteBuf wholeFrames(ByteBuf payload) {
        if (payload.readableBytes() <= HEADER_SIZE
                || payload.getUnsignedShort(payload.readerIndex() + 2) != 0) {
            return null;
        }
        ByteBuf frames = payload.slice(payload.readerIndex() + HEADER_SIZE, payload.readableBytes() - HEADER_SIZE);
        int end = frames.writerIndex();
        int at = frames.readerIndex();
        while (at < end) {
            int length = frameLength(frames, at);
            if (length <= 0) {
                return frames; // free format or not a header we know: trust the sender
            }
            at += length;
        }
        return at == end ? frames : null;
    }

    /**
     * The length in bytes of the frame whose header starts at absolute index {@code at}, or -1 when
     * there is no complete, valid header there or it uses the free-format bit rate.
     */
    static int frameLength(ByteBuf b, int at) {
        if (at + 4 > b.writerIndex()) {
            return -1;
        }
        int h = b.getInt(at);
        int version = (h >>> 19) & 3; // 0 MPEG-2.5, 1 reserved, 2 MPEG-2, 3 MPEG-1
        int layer = 4 - ((h >>> 17) & 3); // 4 for the reserved value 0
        int bitrateIndex = (h >>> 12) & 0xF;
        int rateIndex = (h >>> 10) & 3;
        if ((h >>> 21) != 0x7FF || version == 1 || layer == 4 || bitrateIndex == 0 || bitrateIndex == 15
                || rateIndex == 3) {
            return -1;
        }
        boolean mpeg1 = version == 3;
        int table = mpeg1 ? layer - 1 : layer == 1 ? 3 : 4;
        int bitrate = BITRATES[table][bitrateIndex] * 1000;
        int rate = SAMPLE_RATES[rateIndex] >> (mpeg1 ? 0 : version == 2 ? 1 : 2);
        int padding = (h >>> 9) & 1;
        if (layer == 1) {
            return (12 * bitrate / rate + padding) * 4;
        }
        // Layer III of MPEG-2/2.5 has 576 samples per frame instead of 1152
        int factor = layer == 3 && !mpeg1 ? 72 : 144;
        return factor * bitrate / rate + padding;
    }
}
