package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;

/**
 * AdtsHeader is the header of one ADTS frame (ISO/IEC 13818-7 §6.2, 14496-3 §1.A.2), the framing of
 * AAC in MPEG-TS stream_type 0x0F. Each frame is one raw AAC frame behind a 7-byte header (9 with
 * CRC); a PES often holds several.
 *
 * @param objectType audio object type (profile + 1; 2 = AAC LC)
 * @param sampleRateIndex sampling_frequency_index
 * @param channelConfig channel_configuration (0: a program config element in the frame defines them)
 * @param headerSize 7, or 9 when a CRC follows the fixed header
 * @param frameLength the whole frame, header included
 * @param rawBlocks raw data blocks in the frame (number_of_raw_data_blocks_in_frame + 1)
 */
record AdtsHeader(int objectType, int sampleRateIndex, int channelConfig, int headerSize, int frameLength,
        int rawBlocks) {

    static final int MIN_SIZE = 7;

    /**
     * Parses the header at {@code at}, which needs {@link #MIN_SIZE} bytes.
     *
     * @throws TsFormatException without the 0xFFF sync word or with a frame length shorter than its header
     */
    static AdtsHeader parse(ByteBuf b, int at) {
        int b1 = b.getUnsignedByte(at + 1);
        if (b.getUnsignedByte(at) != 0xFF || (b1 & 0xF6) != 0xF0) {
            throw new TsFormatException("no ADTS sync word: 0x" + Integer.toHexString(b.getUnsignedShort(at)));
        }
        int b2 = b.getUnsignedByte(at + 2);
        int b3 = b.getUnsignedByte(at + 3);
        int headerSize = (b1 & 1) != 0 ? 7 : 9;
        int frameLength = ((b3 & 0x03) << 11) | (b.getUnsignedByte(at + 4) << 3) | (b.getUnsignedByte(at + 5) >> 5);
        if (frameLength <= headerSize) {
            throw new TsFormatException("ADTS frame_length " + frameLength + " not above its " + headerSize + "-byte header");
        }
        return new AdtsHeader((b2 >> 6) + 1, (b2 >> 2) & 0x0f, ((b2 & 1) << 2) | (b3 >> 6), headerSize, frameLength,
                (b.getUnsignedByte(at + 6) & 0x03) + 1);
    }

    /** The 2-byte AudioSpecificConfig that says the same: object type, rate index, channels (14496-3 §1.6.2.1). */
    byte[] audioSpecificConfig() {
        return new byte[] {(byte) ((objectType << 3) | (sampleRateIndex >> 1)),
                (byte) (((sampleRateIndex & 1) << 7) | (channelConfig << 3))};
    }
}
