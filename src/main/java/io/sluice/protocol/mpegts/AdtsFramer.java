package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.rtp.AudioSpecificConfig;
import io.sluice.stream.AccessUnit;

/**
 * AdtsFramer puts an ADTS header (ISO/IEC 14496-3 §1.A.2.2, no CRC) before each raw AAC frame, the
 * framing of MPEG-TS stream_type 0x0F: the header is how a TS receiver learns the object type, sample
 * rate and channels, since the PMT does not say.
 *
 * <p>ADTS has 2 bits for the object type and a 4-bit sample rate index, so it carries AAC Main, LC,
 * SSR and LTP at the 13 standard rates. For HE-AAC signalled explicitly (object type 5 or 29) the
 * header carries the core object type and rate, as ADTS decoders find the SBR/PS extension in the
 * frames themselves (implicit signalling).
 */
final class AdtsFramer implements EsFramer {
    static final int HEADER_SIZE = 7;
    /** frame_length is 13 bits and counts the header. */
    static final int MAX_FRAME_LENGTH = 0x1FFF;
    private static final int AOT_SBR = 5;
    private static final int AOT_PS = 29;
    private static final int AOT_ESCAPE = 31;
    private static final int INDEX_EXPLICIT = 15;

    private final int profile;
    private final int sampleRateIndex;
    private final int channelConfig;

    /** @throws TsMuxException when ADTS cannot describe the configuration */
    AdtsFramer(AudioSpecificConfig asc) {
        byte[] b = asc.bytes();
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (i < b.length ? b[i] & 0xFF : 0);
        }
        int pos = 0;
        int aot = field(bits, pos, 5);
        pos += 5;
        int index = field(bits, pos, 4);
        pos += 4;
        int channels = field(bits, pos, 4);
        pos += 4;
        if (aot == AOT_SBR || aot == AOT_PS) {
            pos += field(bits, pos, 4) == INDEX_EXPLICIT ? 28 : 4; // the extension rate
            aot = field(bits, pos, 5); // the core object type
        }
        if (aot < 1 || aot > 4 || aot == AOT_ESCAPE) {
            throw new TsMuxException("ADTS cannot carry AAC object type " + aot + " (only 1 to 4): " + asc);
        }
        if (index == INDEX_EXPLICIT || index > 12) {
            throw new TsMuxException("ADTS cannot carry an AAC sample rate without a standard index: " + asc);
        }
        if (channels == 0 || channels > 7) {
            throw new TsMuxException("ADTS cannot carry AAC channel configuration " + channels + ": " + asc);
        }
        this.profile = aot - 1;
        this.sampleRateIndex = index;
        this.channelConfig = channels;
    }

    /** {@code length} bits of a 64-bit big-endian window starting {@code pos} bits in. */
    private static int field(long bits, int pos, int length) {
        return (int) ((bits >>> (64 - pos - length)) & ((1L << length) - 1));
    }

    /** @throws TsMuxException when the frame is too long for an ADTS header */
    @Override
    public boolean frame(AccessUnit au, ByteBuf out) {
        int size = au.size();
        int frameLength = HEADER_SIZE + size;
        if (frameLength > MAX_FRAME_LENGTH) {
            throw new TsMuxException("AAC frame of " + size + " bytes exceeds ADTS frame_length " + MAX_FRAME_LENGTH);
        }
        out.writeByte(0xFF); // syncword 0xFFF,
        out.writeByte(0xF1); // MPEG-4, layer 0, protection_absent
        out.writeByte((profile << 6) | (sampleRateIndex << 2) | (channelConfig >> 2));
        out.writeByte(((channelConfig & 3) << 6) | (frameLength >> 11));
        out.writeByte(frameLength >> 3);
        // buffer fullness 0x7FF (variable rate), one raw data block
        out.writeByte(((frameLength & 7) << 5) | 0x1F);
        out.writeByte(0xFC);
        EsFramer.copyUnits(au, out);
        return true;
    }
}
