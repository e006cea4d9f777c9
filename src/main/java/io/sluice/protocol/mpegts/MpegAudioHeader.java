package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;

/**
 * MpegAudioHeader is the 4-byte header of one MPEG-1/2 audio frame (ISO/IEC 11172-3 §2.4.2.3,
 * 13818-3 for the half rates, and the unofficial MPEG-2.5 quarter rates), from which the frame's
 * length and duration follow; a PES usually holds several frames.
 *
 * @param sampleRate in Hz
 * @param samples samples per channel in the frame (384, 576 or 1152)
 * @param frameLength bytes in the frame, header included
 * @param channels 1 for single channel mode, else 2
 */
record MpegAudioHeader(int sampleRate, int samples, int frameLength, int channels) {

    static final int SIZE = 4;
    private static final int VERSION_2_5 = 0;
    private static final int VERSION_1 = 3;
    private static final int LAYER_3 = 1;
    private static final int LAYER_1 = 3;
    /** kbit/s by bitrate_index 1..14, for MPEG-1 layers I, II, III, then MPEG-2/2.5 layer I, then II and III. */
    private static final int[][] BITRATES = {
        {32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448},
        {32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},
        {32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
        {32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
        {8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
    };
    private static final int[] MPEG1_RATES = {44100, 48000, 32000};

    /**
     * Parses the header at {@code at}, which needs {@link #SIZE} bytes.
     *
     * @throws TsFormatException without the 11-bit sync, for reserved values, or for free-format
     *     bitrate (whose frame length the header does not give)
     */
    static MpegAudioHeader parse(ByteBuf b, int at) {
        int h = b.getInt(at);
        if ((h >>> 21) != 0x7FF) {
            throw new TsFormatException("no MPEG audio frame sync: 0x" + Integer.toHexString(h));
        }
        int version = (h >> 19) & 3;
        int layer = (h >> 17) & 3;
        int bitrateIndex = (h >> 12) & 0x0f;
        int rateIndex = (h >> 10) & 3;
        if (version == 1 || layer == 0 || rateIndex == 3 || bitrateIndex == 15) {
            throw new TsFormatException("reserved value in MPEG audio header 0x" + Integer.toHexString(h));
        }
        if (bitrateIndex == 0) {
            throw new TsFormatException("free-format MPEG audio is not supported (header 0x" + Integer.toHexString(h) + ")");
        }
        int shift = version == VERSION_1 ? 0 : version == VERSION_2_5 ? 2 : 1;
        int sampleRate = MPEG1_RATES[rateIndex] >> shift;
        int table = version == VERSION_1 ? 3 - layer : layer == LAYER_1 ? 3 : 4;
        int bitrate = BITRATES[table][bitrateIndex - 1] * 1000;
        int padding = (h >> 9) & 1;
        int samples = layer == LAYER_1 ? 384 : layer == LAYER_3 && version != VERSION_1 ? 576 : 1152;
        // bytes = samples / 8 * bitrate / rate; layer I counts in 4-byte slots
        int frameLength = layer == LAYER_1 ? (12 * bitrate / sampleRate + padding) * 4
                : samples / 8 * bitrate / sampleRate + padding;
        int channels = ((h >> 6) & 3) == 3 ? 1 : 2;
        return new MpegAudioHeader(sampleRate, samples, frameLength, channels);
    }
}
