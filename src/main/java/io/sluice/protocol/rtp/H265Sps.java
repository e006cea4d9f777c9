package io.sluice.protocol.rtp;

import java.util.Arrays;

/**
 * H265Sps is the picture size of an H.265 sequence parameter set (ITU-T H.265 §7.3.2.2.1): the luma
 * size less the conformance window, i.e. what a player shows.
 *
 * <p>The VUI's timing (vui_timing_info) is not read: it comes after the short-term reference picture
 * sets, whose inter-set prediction needs a full parse for a figure few encoders set; the frame rate of
 * an H.265 stream is measured instead ({@code QualityMeter}).
 *
 * @param width cropped width in pixels
 * @param height cropped height in pixels
 */
public record H265Sps(int width, int height) {

    /** Largest side accepted, in luma samples (H.265 level 6.2 allows 8444 at most). */
    static final int MAX_SIDE = 16_888;
    /** The SPS fields needed sit in its first bytes: a profile_tier_level of 8 sub-layers is 46 bytes. */
    private static final int SPS_BYTES = 128;

    /**
     * Parses an SPS NAL unit (with its 2-byte NAL header, without start code).
     *
     * @throws RtpFormatException when it is not an SPS, is truncated or has out-of-range values
     */
    public static H265Sps parse(byte[] nalu) {
        if (nalu.length < 4 || H265Keyframes.nalType(nalu[0]) != H265Keyframes.NAL_SPS) {
            throw new RtpFormatException("not an H265 SPS: " + nalu.length + " bytes, NAL type "
                    + (nalu.length > 0 ? H265Keyframes.nalType(nalu[0]) : -1));
        }
        byte[] raw = Arrays.copyOf(nalu, Math.min(nalu.length, 2 + SPS_BYTES));
        BitReader r = new BitReader(H264Sps.unescape(raw, 2), "H265 SPS");
        r.skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.readInt(3);
        r.skip(1); // sps_temporal_id_nesting_flag
        H265DtsExtractor.skipProfileTierLevel(r, maxSubLayersMinus1);
        r.readUe(); // sps_seq_parameter_set_id
        int chromaFormat = r.readUe();
        if (chromaFormat > 3) {
            throw new RtpFormatException("H265 SPS chroma_format_idc " + chromaFormat + " exceeds 3");
        }
        boolean separateColourPlanes = chromaFormat == 3 && r.readFlag();
        int lumaWidth = r.readUe();
        int lumaHeight = r.readUe();
        if (lumaWidth <= 0 || lumaHeight <= 0 || lumaWidth > MAX_SIDE || lumaHeight > MAX_SIDE) {
            throw new RtpFormatException("H265 SPS size " + lumaWidth + "x" + lumaHeight + " is out of range 1.."
                    + MAX_SIDE);
        }
        long left = 0;
        long right = 0;
        long top = 0;
        long bottom = 0;
        if (r.readFlag()) { // conformance_window_flag
            left = r.readUe();
            right = r.readUe();
            top = r.readUe();
            bottom = r.readUe();
        }
        // offsets count in chroma samples (H.265 Table 6-1, equations 7-1 and 7-2)
        int chromaArray = separateColourPlanes ? 0 : chromaFormat;
        int subWidth = chromaArray == 1 || chromaArray == 2 ? 2 : 1;
        int subHeight = chromaArray == 1 ? 2 : 1;
        long width = lumaWidth - subWidth * (left + right);
        long height = lumaHeight - subHeight * (top + bottom);
        if (width <= 0 || height <= 0) {
            throw new RtpFormatException("H265 SPS conformance window leaves " + width + "x" + height + " pixels");
        }
        return new H265Sps((int) width, (int) height);
    }
}
