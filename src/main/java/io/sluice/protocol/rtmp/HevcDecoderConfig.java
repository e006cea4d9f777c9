package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * HevcDecoderConfig is an HEVCDecoderConfigurationRecord ("hvcC", ISO/IEC 14496-15 §8.3.3), the body
 * of an H.265 SEQUENCE_START video tag. Parameter sets are copies, as in {@link AvcDecoderConfig};
 * split coded frames with {@link AvcDecoderConfig#splitLengthPrefixed}.
 *
 * @param vps           VPS NAL units (type 32), each with its 2-byte NAL header
 * @param sps           SPS NAL units (type 33)
 * @param pps           PPS NAL units (type 34)
 * @param nalLengthSize bytes of each NAL unit's length prefix: 1, 2 or 4
 */
public record HevcDecoderConfig(List<byte[]> vps, List<byte[]> sps, List<byte[]> pps, int nalLengthSize) {
    static final int NAL_VPS = 32;
    static final int NAL_SPS = 33;
    static final int NAL_PPS = 34;
    /** Fixed part of the record before the arrays. */
    static final int HEADER_LENGTH = 23;
    /** general_profile_space..general_level_idc in the SPS's profile_tier_level. */
    static final int GENERAL_PTL_LENGTH = 12;

    /**
     * Parses an hvcC without moving the buffer's reader index; arrays of other NAL types (SEI) are
     * skipped.
     *
     * @throws RtmpProtocolException if it is truncated or not version 1
     */
    public static HevcDecoderConfig parse(ByteBuf in) throws RtmpProtocolException {
        int start = in.readerIndex();
        FlvVideoTag.need(in, start, HEADER_LENGTH, "hvcC header");
        int version = in.getUnsignedByte(start);
        if (version != 1) {
            throw new RtmpProtocolException("hvcC configurationVersion " + version + " at offset 0, expected 1");
        }
        int nalLengthSize = (in.getUnsignedByte(start + 21) & 3) + 1;
        if (nalLengthSize == 3) {
            throw new RtmpProtocolException("hvcC lengthSizeMinusOne 2 at offset 21, expected 0, 1 or 3");
        }
        int arrays = in.getUnsignedByte(start + 22);
        List<byte[]> vps = new ArrayList<>();
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        int pos = start + HEADER_LENGTH;
        for (int a = 0; a < arrays; a++) {
            FlvVideoTag.need(in, pos, 3, "hvcC array header");
            int type = in.getUnsignedByte(pos) & 0x3f;
            int count = in.getUnsignedShort(pos + 1);
            pos += 3;
            for (int i = 0; i < count; i++) {
                FlvVideoTag.need(in, pos, 2, "hvcC NAL unit length");
                int len = in.getUnsignedShort(pos);
                FlvVideoTag.need(in, pos + 2, len, "hvcC NAL unit");
                byte[] nal = new byte[len];
                in.getBytes(pos + 2, nal);
                pos += 2 + len;
                switch (type) {
                    case NAL_VPS -> vps.add(nal);
                    case NAL_SPS -> sps.add(nal);
                    case NAL_PPS -> pps.add(nal);
                    default -> {
                        // SEI and others: not needed to decode
                    }
                }
            }
        }
        return new HevcDecoderConfig(vps, sps, pps, nalLengthSize);
    }

    /**
     * Builds an hvcC with 4-byte length prefixes from one VPS, SPS and PPS (with their NAL headers).
     * The general profile, tier, compatibility, constraint and level fields come from the SPS's
     * profile_tier_level, the temporal layer fields from its first byte; chroma format 4:2:0 and
     * 8-bit depth are written as constants (parsing them needs the whole SPS; decoders take them
     * from the SPS in the arrays anyway). The caller owns the returned buffer.
     *
     * @throws IllegalArgumentException if the SPS is too short to hold a general profile_tier_level
     */
    public static ByteBuf build(ByteBufAllocator alloc, byte[] vps, byte[] sps, byte[] pps) {
        byte[] rbsp = unescape(sps, 2 + 1 + GENERAL_PTL_LENGTH);
        if (rbsp.length < 2 + 1 + GENERAL_PTL_LENGTH) {
            throw new IllegalArgumentException("SPS of " + sps.length + " bytes is too short for its"
                    + " profile_tier_level");
        }
        for (byte[] nal : new byte[][] {vps, sps, pps}) {
            if (nal.length > 0xFFFF) {
                throw new IllegalArgumentException("NAL unit of " + nal.length + " bytes, expected at most 65535");
            }
        }
        int maxSubLayersMinus1 = (rbsp[2] & 0xff) >>> 1 & 7;
        int temporalIdNested = rbsp[2] & 1;
        ByteBuf out = alloc.buffer(HEADER_LENGTH + 3 * 5 + vps.length + sps.length + pps.length);
        out.writeByte(1);
        out.writeBytes(rbsp, 3, GENERAL_PTL_LENGTH);
        out.writeShort(0xF000); // min_spatial_segmentation_idc 0
        out.writeByte(0xFC); // parallelismType 0 (unknown)
        out.writeByte(0xFC | 1); // chroma_format_idc 1 (4:2:0)
        out.writeByte(0xF8); // bit_depth_luma_minus8 0
        out.writeByte(0xF8); // bit_depth_chroma_minus8 0
        out.writeShort(0); // avgFrameRate unknown
        out.writeByte((maxSubLayersMinus1 + 1) << 3 | temporalIdNested << 2 | 3);
        out.writeByte(3);
        int[] types = {NAL_VPS, NAL_SPS, NAL_PPS};
        byte[][] nals = {vps, sps, pps};
        for (int i = 0; i < 3; i++) {
            out.writeByte(0x80 | types[i]).writeShort(1).writeShort(nals[i].length).writeBytes(nals[i]);
        }
        return out;
    }

    /** The first {@code limit} bytes of {@code nal} without emulation prevention bytes (00 00 03). */
    static byte[] unescape(byte[] nal, int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(limit);
        int zeros = 0;
        for (int i = 0; i < nal.length && out.size() < limit; i++) {
            int b = nal[i] & 0xff;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out.write(b);
        }
        return out.toByteArray();
    }
}
