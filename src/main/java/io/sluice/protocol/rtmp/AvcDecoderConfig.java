package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * AvcDecoderConfig is an AVCDecoderConfigurationRecord ("avcC", ISO/IEC 14496-15 §5.3.3), the body
 * of an H.264 SEQUENCE_START video tag: the SPS and PPS NAL units and the size of the length prefix
 * in front of every NAL unit of the CODED_FRAMES that follow (the "AVCC" format, which
 * {@link #splitLengthPrefixed} and {@link #writeLengthPrefixed} read and write).
 *
 * <p>The parameter sets are copies (they are small and outlive the message they came in); the
 * record's equality is therefore identity of the lists' arrays, so compare their contents.
 *
 * @param sps           SPS NAL units, each with its 1-byte NAL header
 * @param pps           PPS NAL units
 * @param nalLengthSize bytes of each NAL unit's length prefix: 1, 2 or 4
 */
public record AvcDecoderConfig(List<byte[]> sps, List<byte[]> pps, int nalLengthSize) {
    /**
     * Parses an avcC without moving the buffer's reader index. Trailing bytes (the chroma fields of
     * High profiles) are ignored.
     *
     * @throws RtmpProtocolException if it is truncated or not version 1
     */
    public static AvcDecoderConfig parse(ByteBuf in) throws RtmpProtocolException {
        int start = in.readerIndex();
        FlvVideoTag.need(in, start, 6, "avcC header");
        int version = in.getUnsignedByte(start);
        if (version != 1) {
            throw new RtmpProtocolException("avcC configurationVersion " + version + " at offset 0, expected 1");
        }
        int nalLengthSize = (in.getUnsignedByte(start + 4) & 3) + 1;
        if (nalLengthSize == 3) {
            throw new RtmpProtocolException("avcC lengthSizeMinusOne 2 at offset 4, expected 0, 1 or 3");
        }
        int[] pos = {start + 5};
        List<byte[]> sps = readNalus(in, pos, in.getUnsignedByte(start + 5) & 0x1f, start, "SPS");
        FlvVideoTag.need(in, pos[0], 1, "avcC PPS count");
        int ppsCount = in.getUnsignedByte(pos[0]);
        List<byte[]> pps = readNalus(in, pos, ppsCount, start, "PPS");
        return new AvcDecoderConfig(sps, pps, nalLengthSize);
    }

    /** Reads {@code count} 16-bit length-prefixed NAL units after the count byte at pos[0]. */
    static List<byte[]> readNalus(ByteBuf in, int[] pos, int count, int start, String what)
            throws RtmpProtocolException {
        pos[0]++;
        List<byte[]> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            FlvVideoTag.need(in, pos[0], 2, what + " length");
            int len = in.getUnsignedShort(pos[0]);
            FlvVideoTag.need(in, pos[0] + 2, len, what);
            byte[] nal = new byte[len];
            in.getBytes(pos[0] + 2, nal);
            list.add(nal);
            pos[0] += 2 + len;
        }
        return list;
    }

    /**
     * Builds an avcC with 4-byte length prefixes from one SPS and one PPS (with their NAL headers),
     * taking profile, compatibility and level from the SPS. The caller owns the returned buffer.
     *
     * @throws IllegalArgumentException if the SPS is shorter than 4 bytes or a NAL unit over 65535
     */
    public static ByteBuf build(ByteBufAllocator alloc, byte[] sps, byte[] pps) {
        if (sps.length < 4 || sps.length > 0xFFFF || pps.length > 0xFFFF) {
            throw new IllegalArgumentException("SPS of " + sps.length + " bytes and PPS of " + pps.length
                    + " bytes, expected 4..65535 and 0..65535");
        }
        ByteBuf out = alloc.buffer(11 + sps.length + pps.length);
        out.writeByte(1).writeByte(sps[1]).writeByte(sps[2]).writeByte(sps[3]);
        out.writeByte(0xFC | 3).writeByte(0xE0 | 1).writeShort(sps.length).writeBytes(sps);
        out.writeByte(1).writeShort(pps.length).writeBytes(pps);
        return out;
    }

    /**
     * Splits length-prefixed NAL units (AVCC/HVCC format, the CODED_FRAMES body) into slices of
     * {@code body}: not copies, not retained, valid while the body is. The body's reader index does
     * not move.
     *
     * @throws RtmpProtocolException if a length runs past the end of the body
     */
    public static List<ByteBuf> splitLengthPrefixed(ByteBuf body, int nalLengthSize) throws RtmpProtocolException {
        checkLengthSize(nalLengthSize);
        List<ByteBuf> nalus = new ArrayList<>();
        int pos = body.readerIndex();
        int end = body.writerIndex();
        while (pos < end) {
            if (end - pos < nalLengthSize) {
                throw new RtmpProtocolException("truncated NAL unit length at offset " + (pos - body.readerIndex())
                        + ": " + (end - pos) + " bytes left, expected " + nalLengthSize);
            }
            long len = switch (nalLengthSize) {
                case 1 -> body.getUnsignedByte(pos);
                case 2 -> body.getUnsignedShort(pos);
                case 3 -> body.getUnsignedMedium(pos);
                default -> body.getUnsignedInt(pos);
            };
            pos += nalLengthSize;
            if (len > end - pos) {
                throw new RtmpProtocolException("NAL unit length " + len + " at offset "
                        + (pos - nalLengthSize - body.readerIndex()) + " exceeds the " + (end - pos) + " bytes left");
            }
            nalus.add(body.slice(pos, (int) len));
            pos += (int) len;
        }
        return nalus;
    }

    /** Appends each NAL unit with a length prefix, leaving the NAL units' indexes and counts alone. */
    public static void writeLengthPrefixed(ByteBuf out, List<ByteBuf> nalus, int nalLengthSize) {
        checkLengthSize(nalLengthSize);
        for (ByteBuf nal : nalus) {
            int len = nal.readableBytes();
            if (nalLengthSize < 4 && len >>> (8 * nalLengthSize) != 0) {
                throw new IllegalArgumentException("NAL unit of " + len + " bytes does not fit a " + nalLengthSize
                        + "-byte length");
            }
            switch (nalLengthSize) {
                case 1 -> out.writeByte(len);
                case 2 -> out.writeShort(len);
                case 3 -> out.writeMedium(len);
                default -> out.writeInt(len);
            }
            out.writeBytes(nal, nal.readerIndex(), len);
        }
    }

    private static void checkLengthSize(int n) {
        if (n < 1 || n > 4) {
            throw new IllegalArgumentException("NAL length size " + n + " out of range 1..4");
        }
    }
}
