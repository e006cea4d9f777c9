package io.sluice.protocol.rtp;

import io.sluice.stream.Format;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * H264ParameterSets is the SPS and PPS an H.264 stream announces in its {@code sprop-parameter-sets}
 * fmtp parameter (<a href="https://www.rfc-editor.org/rfc/rfc6184#section-8.1">RFC 6184 §8.1</a>),
 * as NAL units without start codes; RTMP and MPEG-TS mappers need them before the first keyframe.
 *
 * @param sps the first sequence parameter set
 * @param pps the first picture parameter set
 */
public record H264ParameterSets(byte[] sps, byte[] pps) {

    /** Longest sprop-parameter-sets value accepted, in characters. */
    public static final int MAX_SPROP_LENGTH = 8192;

    public H264ParameterSets {
        sps = sps.clone();
        pps = pps.clone();
    }

    @Override
    public byte[] sps() {
        return sps.clone();
    }

    @Override
    public byte[] pps() {
        return pps.clone();
    }

    /** The parsed SPS. */
    public H264Sps parsedSps() {
        return H264Sps.parse(sps);
    }

    /**
     * Decodes a format's sprop-parameter-sets, or returns null when it has none (the parameter sets
     * then come in-band).
     *
     * @throws RtpFormatException when the value is not base64 or lacks an SPS or a PPS
     */
    public static H264ParameterSets fromFormat(Format format) {
        String v = format.fmtpParam("sprop-parameter-sets");
        return v == null || v.isEmpty() ? null : parse(v);
    }

    /**
     * Decodes a sprop-parameter-sets value: comma-separated base64 NAL units.
     *
     * @throws RtpFormatException when the value is not base64 or lacks an SPS or a PPS
     */
    public static H264ParameterSets parse(String spropParameterSets) {
        if (spropParameterSets.length() > MAX_SPROP_LENGTH) {
            throw new RtpFormatException("sprop-parameter-sets of " + spropParameterSets.length()
                    + " characters exceeds " + MAX_SPROP_LENGTH);
        }
        byte[] sps = null;
        byte[] pps = null;
        for (String part : spropParameterSets.split(",")) {
            byte[] nalu = decode(part, "sprop-parameter-sets");
            int type = nalu[0] & 0x1f;
            if (type == H264Keyframes.NAL_SPS && sps == null) {
                sps = nalu;
            } else if (type == H264Keyframes.NAL_PPS && pps == null) {
                pps = nalu;
            }
        }
        if (sps == null || pps == null) {
            throw new RtpFormatException("sprop-parameter-sets=" + spropParameterSets + " lacks "
                    + (sps == null ? "an SPS" : "a PPS"));
        }
        return new H264ParameterSets(sps, pps);
    }

    static byte[] decode(String base64, String param) {
        byte[] nalu;
        try {
            nalu = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new RtpFormatException("invalid base64 \"" + base64 + "\" in " + param + ": " + e.getMessage());
        }
        if (nalu.length == 0) {
            throw new RtpFormatException("empty NAL unit in " + param);
        }
        return nalu;
    }

    // records compare arrays by identity; parameter sets are compared by content

    @Override
    public boolean equals(Object other) {
        return other instanceof H264ParameterSets o && Arrays.equals(o.sps, sps) && Arrays.equals(o.pps, pps);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sps) + 31 * Arrays.hashCode(pps);
    }

    @Override
    public String toString() {
        return "H264ParameterSets[" + "sps=" + HexFormat.of().formatHex(sps) + ", " + "pps=" + HexFormat.of().formatHex(pps) + "]";
    }
}
