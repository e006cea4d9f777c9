package io.sluice.protocol.rtp;

/**
 * H264Sps is what Sluice reads from an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1): profile,
 * level and the cropped picture size, for FLV metadata and codec strings.
 *
 * @param profileIdc profile_idc (66 baseline, 77 main, 100 high, ...)
 * @param constraintFlags the constraint_set flags byte
 * @param levelIdc level_idc (31 = level 3.1)
 * @param width cropped width in pixels
 * @param height cropped height in pixels
 */
public record H264Sps(int profileIdc, int constraintFlags, int levelIdc, int width, int height) {

    /** Largest dimension in macroblocks accepted; H.264 level 6.2 allows 139264 MBs in total. */
    static final int MAX_SIZE_IN_MBS = 1 << 12;

    /**
     * Parses an SPS NAL unit (with its 1-byte NAL header, without start code).
     *
     * @throws RtpFormatException when it is not an SPS, is truncated or has out-of-range values
     */
    public static H264Sps parse(byte[] nalu) {
        return read(nalu, null, null);
    }

    /**
     * The frame rate the SPS's VUI timing declares: time_scale / (2 * num_units_in_tick), since a tick is
     * one field (H.264 §E.2.1, x264 and ffmpeg write it so); 0 when the SPS has no timing info.
     *
     * @throws RtpFormatException when it is not an SPS, is truncated or has out-of-range values
     */
    public static double declaredFps(byte[] nalu) {
        long[] timing = {0, 0};
        read(nalu, null, timing);
        return timing[0] > 0 && timing[1] > 0 ? timing[1] / (2.0 * timing[0]) : 0;
    }

    /**
     * What of an SPS decides picture order and decoding delay: the fields needed to read a slice
     * header's pic_order_cnt_lsb, and the reorder depth from the VUI (H.264 §7.3.2.1.1, §E.1.1).
     *
     * @param pocType pic_order_cnt_type (2: output order = decoding order)
     * @param log2MaxFrameNum bits of frame_num in slice headers
     * @param log2MaxPocLsb bits of pic_order_cnt_lsb (POC type 0)
     * @param frameMbsOnly false when pictures may be coded as fields
     * @param separateColourPlanes true when slice headers carry colour_plane_id
     * @param maxNumReorderFrames VUI max_num_reorder_frames, or -1 when the SPS does not say
     * @param maxDecFrameBuffering VUI max_dec_frame_buffering, or -1 when the SPS does not say
     */
    record Order(int pocType, int log2MaxFrameNum, int log2MaxPocLsb, boolean frameMbsOnly,
            boolean separateColourPlanes, int maxNumReorderFrames, int maxDecFrameBuffering) {
    }

    /**
     * Parses the picture-order fields of an SPS NAL unit.
     *
     * @throws RtpFormatException when it is not an SPS, is truncated or has out-of-range values
     */
    static Order parseOrder(byte[] nalu) {
        Order[] out = new Order[1];
        read(nalu, out, null);
        return out[0];
    }

    /**
     * Reads the SPS; with {@code order} non-null, also reads on into the VUI and stores the order fields;
     * with {@code timing} non-null, stores the VUI's {num_units_in_tick, time_scale} there (0s when absent).
     */
    private static H264Sps read(byte[] nalu, Order[] order, long[] timing) {
        if (nalu.length < 4 || (nalu[0] & 0x1f) != H264Keyframes.NAL_SPS) {
            throw new RtpFormatException("not an H264 SPS: " + nalu.length + " bytes, NAL type "
                    + (nalu.length > 0 ? nalu[0] & 0x1f : -1));
        }
        BitReader r = new BitReader(unescape(nalu, 1), "H264 SPS");
        int profile = r.readInt(8);
        int constraints = r.readInt(8);
        int level = r.readInt(8);
        r.readUe(); // seq_parameter_set_id
        int chromaFormat = 1;
        boolean separateColourPlanes = false;
        if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83
                || profile == 86 || profile == 118 || profile == 128 || profile == 138 || profile == 139
                || profile == 134 || profile == 135) {
            chromaFormat = r.readUe();
            if (chromaFormat == 3) {
                separateColourPlanes = r.readFlag();
            }
            r.readUe(); // bit_depth_luma_minus8
            r.readUe(); // bit_depth_chroma_minus8
            r.readFlag(); // qpprime_y_zero_transform_bypass_flag
            if (r.readFlag()) { // seq_scaling_matrix_present_flag
                for (int i = 0; i < (chromaFormat != 3 ? 8 : 12); i++) {
                    if (r.readFlag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        int log2MaxFrameNum = r.readUe() + 4;
        int pocType = r.readUe();
        int log2MaxPocLsb = 0;
        if (log2MaxFrameNum > 16) {
            throw new RtpFormatException("H264 SPS log2_max_frame_num " + log2MaxFrameNum + " exceeds 16");
        }
        if (pocType > 2) {
            throw new RtpFormatException("H264 SPS pic_order_cnt_type " + pocType + " exceeds 2");
        }
        if (pocType == 0) {
            log2MaxPocLsb = r.readUe() + 4;
            if (log2MaxPocLsb > 16) {
                throw new RtpFormatException("H264 SPS log2_max_pic_order_cnt_lsb " + log2MaxPocLsb + " exceeds 16");
            }
        } else if (pocType == 1) {
            r.readFlag(); // delta_pic_order_always_zero_flag
            r.readSe();
            r.readSe();
            int n = r.readUe();
            if (n > 255) {
                throw new RtpFormatException("H264 SPS num_ref_frames_in_pic_order_cnt_cycle " + n + " exceeds 255");
            }
            for (int i = 0; i < n; i++) {
                r.readSe();
            }
        }
        r.readUe(); // max_num_ref_frames
        r.readFlag(); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.readUe() + 1;
        int heightMapUnits = r.readUe() + 1;
        boolean frameMbsOnly = r.readFlag();
        if (!frameMbsOnly) {
            r.readFlag(); // mb_adaptive_frame_field_flag
        }
        r.readFlag(); // direct_8x8_inference_flag
        int cropLeft = 0;
        int cropRight = 0;
        int cropTop = 0;
        int cropBottom = 0;
        if (r.readFlag()) {
            cropLeft = r.readUe();
            cropRight = r.readUe();
            cropTop = r.readUe();
            cropBottom = r.readUe();
        }
        if (timing != null && r.readFlag()) { // vui_parameters_present_flag
            readVuiTiming(r, timing);
        }
        if (order != null) {
            int[] reorder = {-1, -1};
            if (r.readFlag()) { // vui_parameters_present_flag
                readVuiReorder(r, reorder);
            }
            order[0] = new Order(pocType, log2MaxFrameNum, log2MaxPocLsb, frameMbsOnly, separateColourPlanes,
                    reorder[0], reorder[1]);
        }
        if (widthMbs > MAX_SIZE_IN_MBS || heightMapUnits > MAX_SIZE_IN_MBS) {
            throw new RtpFormatException("H264 SPS size " + widthMbs + "x" + heightMapUnits + " MBs exceeds "
                    + MAX_SIZE_IN_MBS);
        }
        int heightMbs = heightMapUnits * (frameMbsOnly ? 1 : 2);
        // crop units depend on chroma subsampling (H.264 Table 6-1, equations 7-19 to 7-22)
        int chromaArray = separateColourPlanes ? 0 : chromaFormat;
        int cropUnitX = chromaArray == 0 ? 1 : (chromaArray == 3 ? 1 : 2);
        int cropUnitY = (chromaArray == 0 ? 1 : (chromaArray == 1 ? 2 : 1)) * (frameMbsOnly ? 1 : 2);
        long width = widthMbs * 16L - (long) cropUnitX * (cropLeft + cropRight);
        long height = heightMbs * 16L - (long) cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0) {
            throw new RtpFormatException("H264 SPS cropping leaves " + width + "x" + height + " pixels");
        }
        return new H264Sps(profile, constraints, level, (int) width, (int) height);
    }

    /** Reads the VUI up to bitstream_restriction: {max_num_reorder_frames, max_dec_frame_buffering} or -1s. */
    private static void readVuiReorder(BitReader r, int[] out) {
        readVuiTiming(r, null);
        boolean nalHrd = r.readFlag();
        if (nalHrd) {
            skipHrd(r);
        }
        boolean vclHrd = r.readFlag();
        if (vclHrd) {
            skipHrd(r);
        }
        if (nalHrd || vclHrd) {
            r.skip(1); // low_delay_hrd_flag
        }
        r.skip(1); // pic_struct_present_flag
        if (r.readFlag()) { // bitstream_restriction_flag
            r.skip(1); // motion_vectors_over_pic_boundaries_flag
            r.readUe(); // max_bytes_per_pic_denom
            r.readUe(); // max_bits_per_mb_denom
            r.readUe(); // log2_max_mv_length_horizontal
            r.readUe(); // log2_max_mv_length_vertical
            out[0] = r.readUe();
            out[1] = r.readUe();
            if (out[0] > ReorderDts.MAX_REORDER || out[1] > ReorderDts.MAX_REORDER) {
                throw new RtpFormatException("H264 SPS max_num_reorder_frames " + out[0] + " / max_dec_frame_buffering "
                        + out[1] + " exceeds " + ReorderDts.MAX_REORDER);
            }
        }
    }

    /**
     * Reads the VUI up to and including its timing info; with {@code timing} non-null, stores
     * {num_units_in_tick, time_scale} there when present (H.264 §E.1.1).
     */
    private static void readVuiTiming(BitReader r, long[] timing) {
        if (r.readFlag()) { // aspect_ratio_info_present_flag
            if (r.readInt(8) == 255) { // Extended_SAR
                r.skip(32);
            }
        }
        if (r.readFlag()) { // overscan_info_present_flag
            r.skip(1);
        }
        if (r.readFlag()) { // video_signal_type_present_flag
            r.skip(4);
            if (r.readFlag()) { // colour_description_present_flag
                r.skip(24);
            }
        }
        if (r.readFlag()) { // chroma_loc_info_present_flag
            r.readUe();
            r.readUe();
        }
        if (r.readFlag()) { // timing_info_present_flag
            long units = r.readBits(32);
            long scale = r.readBits(32);
            r.skip(1); // fixed_frame_rate_flag
            if (timing != null) {
                timing[0] = units;
                timing[1] = scale;
            }
        }
    }

    /** Skips hrd_parameters() (H.264 §E.1.2). */
    private static void skipHrd(BitReader r) {
        int cpbCount = r.readUe() + 1;
        if (cpbCount > 32) {
            throw new RtpFormatException("H264 SPS cpb_cnt " + cpbCount + " exceeds 32");
        }
        r.skip(8); // bit_rate_scale, cpb_size_scale
        for (int i = 0; i < cpbCount; i++) {
            r.readUe();
            r.readUe();
            r.skip(1);
        }
        r.skip(20);
    }

    private static void skipScalingList(BitReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size && next != 0; j++) {
            next = (last + r.readSe() + 256) % 256;
            last = next == 0 ? last : next;
        }
    }

    /** Removes emulation prevention bytes (00 00 03 → 00 00), H.264 §7.4.1. */
    static byte[] unescape(byte[] nalu, int from) {
        byte[] out = new byte[nalu.length - from];
        int n = 0;
        int zeros = 0;
        for (int i = from; i < nalu.length; i++) {
            int b = nalu[i] & 0xff;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            zeros = b == 0 ? zeros + 1 : 0;
            out[n++] = (byte) b;
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
