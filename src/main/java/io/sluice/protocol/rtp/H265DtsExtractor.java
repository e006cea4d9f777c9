package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.Format;
import java.util.Arrays;
import java.util.List;

/**
 * H265DtsExtractor derives the decoding times of an H.265 RTP stream (see {@link DtsExtractor}).
 *
 * <p>H.265 makes the reorder depth mandatory: sps_max_num_reorder_pics of the highest sub-layer
 * (H.265 §7.4.3.2.1), so the picture order count of the slice headers is not needed to foresee it,
 * unlike H.264 without VUI; deeper reordering than declared is still caught on the presentation times
 * by {@link ReorderDts}.
 *
 * <p>Open GOPs: when decoding starts at a CRA (or a BLA), the RASL pictures that follow it reference
 * pictures before it and cannot be decoded (H.265 §8.1.3, NoRaslOutputFlag); they are skipped, as a
 * decoder would. They would otherwise be shown before the first picture and force its DTS back. RASL
 * pictures of a CRA in the middle of the stream are decodable and kept.
 */
final class H265DtsExtractor extends DtsExtractor {
    static final int NAL_RASL_N = 8;
    static final int NAL_RASL_R = 9;
    /** Bytes of an SPS read to reach sps_max_num_reorder_pics (profile_tier_level with 7 sub-layers is ~50). */
    private static final int SPS_BYTES = 128;

    private byte[] spsBytes;
    private boolean haveSps;
    private boolean synced;
    /** True from a CRA/BLA that starts decoding until the next picture that is not a leading one. */
    private boolean skipRasl;

    H265DtsExtractor(Format format) {
        super(format.clockRate());
        try {
            H265ParameterSets ps = H265ParameterSets.fromFormat(format);
            if (ps != null) {
                setSps(ps.sps());
            }
        } catch (RtpFormatException e) {
            badUnits++;
        }
    }

    @Override
    long derive(List<ByteBuf> nalus, long rtpTimestamp) {
        int vclType = -1;
        boolean spsError = false;
        for (ByteBuf n : nalus) {
            if (n.readableBytes() < 2) {
                continue;
            }
            int type = H265Keyframes.nalType(n.getByte(n.readerIndex()));
            if (type == H265Keyframes.NAL_SPS) {
                try {
                    byte[] b = DtsExtractor.bytes(n);
                    if (!Arrays.equals(b, spsBytes)) {
                        setSps(b);
                    }
                } catch (RtpFormatException e) {
                    spsError = true;
                }
            } else if (type < 32 && vclType < 0) {
                vclType = type;
            }
        }
        boolean irap = H265Keyframes.isIrap(vclType);
        if (!synced) {
            if (!irap || !haveSps) {
                return 0; // not decodable: the readers, which start at a keyframe, drop it anyway
            }
            synced = true;
            dts.restart();
            skipRasl = true; // a CRA or BLA that starts decoding: its RASL pictures are undecodable
        } else if (irap) {
            // BLA always drops its RASL pictures; a CRA in mid-stream keeps them
            skipRasl = vclType <= 18;
        }
        if (vclType == NAL_RASL_N || vclType == NAL_RASL_R) {
            if (skipRasl) {
                return SKIP;
            }
        } else if (!irap && vclType >= 0 && vclType != 6 && vclType != 7) {
            skipRasl = false; // a trailing picture: the leading pictures of the IRAP are over
        }
        if (spsError) {
            badUnits++;
        }
        if (vclType < 0) {
            badUnits++;
            return dts.ptsOffsetAfterPrevious(rtpTimestamp);
        }
        return dts.ptsOffset(rtpTimestamp);
    }

    private void setSps(byte[] b) {
        int reorder = maxNumReorderPics(b);
        spsBytes = b;
        haveSps = true;
        dts.atLeast(reorder);
    }

    /**
     * sps_max_num_reorder_pics of the highest sub-layer of an SPS NAL unit (with its 2-byte header),
     * H.265 §7.3.2.2.1.
     *
     * @throws RtpFormatException when it is not an SPS, is truncated or has out-of-range values
     */
    static int maxNumReorderPics(byte[] nalu) {
        if (nalu.length < 4 || H265Keyframes.nalType(nalu[0]) != H265Keyframes.NAL_SPS) {
            throw new RtpFormatException("not an H265 SPS: " + nalu.length + " bytes, NAL type "
                    + (nalu.length > 0 ? H265Keyframes.nalType(nalu[0]) : -1));
        }
        byte[] raw = Arrays.copyOf(nalu, Math.min(nalu.length, 2 + SPS_BYTES));
        BitReader r = new BitReader(H264Sps.unescape(raw, 2), "H265 SPS");
        r.skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.readInt(3);
        r.skip(1); // sps_temporal_id_nesting_flag
        skipProfileTierLevel(r, maxSubLayersMinus1);
        r.readUe(); // sps_seq_parameter_set_id
        int chromaFormat = r.readUe();
        if (chromaFormat == 3) {
            r.skip(1); // separate_colour_plane_flag
        }
        r.readUe(); // pic_width_in_luma_samples
        r.readUe(); // pic_height_in_luma_samples
        if (r.readFlag()) { // conformance_window_flag
            r.readUe();
            r.readUe();
            r.readUe();
            r.readUe();
        }
        r.readUe(); // bit_depth_luma_minus8
        r.readUe(); // bit_depth_chroma_minus8
        int log2MaxPocLsb = r.readUe() + 4;
        if (log2MaxPocLsb > 16) {
            throw new RtpFormatException("H265 SPS log2_max_pic_order_cnt_lsb " + log2MaxPocLsb + " exceeds 16");
        }
        boolean perSubLayer = r.readFlag(); // sps_sub_layer_ordering_info_present_flag
        int reorder = 0;
        for (int i = perSubLayer ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
            r.readUe(); // sps_max_dec_pic_buffering_minus1
            reorder = r.readUe(); // sps_max_num_reorder_pics: the highest sub-layer's is kept
            r.readUe(); // sps_max_latency_increase_plus1
        }
        if (reorder > ReorderDts.MAX_REORDER) {
            throw new RtpFormatException("H265 SPS sps_max_num_reorder_pics " + reorder + " exceeds "
                    + ReorderDts.MAX_REORDER);
        }
        return reorder;
    }

    /** Skips profile_tier_level(1, maxSubLayersMinus1), H.265 §7.3.3. */
    static void skipProfileTierLevel(BitReader r, int maxSubLayersMinus1) {
        r.skip(88); // general profile space, tier, idc, compatibility and constraint flags
        r.skip(8); // general_level_idc
        boolean[] profile = new boolean[maxSubLayersMinus1];
        boolean[] level = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profile[i] = r.readFlag();
            level[i] = r.readFlag();
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if (profile[i]) {
                r.skip(88);
            }
            if (level[i]) {
                r.skip(8);
            }
        }
    }
}
