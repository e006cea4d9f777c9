package io.sluice.protocol.rtp;

import io.sluice.stream.Format;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * H265ParameterSets is the VPS, SPS and PPS an H.265 stream announces in its {@code sprop-vps},
 * {@code sprop-sps} and {@code sprop-pps} fmtp parameters
 * (<a href="https://www.rfc-editor.org/rfc/rfc7798#section-7.1">RFC 7798 §7.1</a>), as NAL units
 * without start codes (the first of each when several are given).
 */
public record H265ParameterSets(byte[] vps, byte[] sps, byte[] pps) {

    public H265ParameterSets {
        vps = vps.clone();
        sps = sps.clone();
        pps = pps.clone();
    }

    @Override
    public byte[] vps() {
        return vps.clone();
    }

    @Override
    public byte[] sps() {
        return sps.clone();
    }

    @Override
    public byte[] pps() {
        return pps.clone();
    }

    /**
     * Decodes a format's sprop-vps/sps/pps, or returns null when none is given (they then come in-band).
     *
     * @throws RtpFormatException when only some are given, a value is not base64 or has the wrong NAL type
     */
    public static H265ParameterSets fromFormat(Format format) {
        String vps = format.fmtpParam("sprop-vps");
        String sps = format.fmtpParam("sprop-sps");
        String pps = format.fmtpParam("sprop-pps");
        if (isEmpty(vps) && isEmpty(sps) && isEmpty(pps)) {
            return null;
        }
        if (isEmpty(vps) || isEmpty(sps) || isEmpty(pps)) {
            throw new RtpFormatException("incomplete H265 parameter sets in fmtp \"" + format.fmtp()
                    + "\": sprop-vps, sprop-sps and sprop-pps must all be given");
        }
        return new H265ParameterSets(first(vps, "sprop-vps", H265Keyframes.NAL_VPS),
                first(sps, "sprop-sps", H265Keyframes.NAL_SPS), first(pps, "sprop-pps", H265Keyframes.NAL_PPS));
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static byte[] first(String value, String param, int type) {
        if (value.length() > H264ParameterSets.MAX_SPROP_LENGTH) {
            throw new RtpFormatException(param + " of " + value.length() + " characters exceeds "
                    + H264ParameterSets.MAX_SPROP_LENGTH);
        }
        byte[] nalu = H264ParameterSets.decode(value.split(",")[0], param);
        if (nalu.length < 2 || H265Keyframes.nalType(nalu[0]) != type) {
            throw new RtpFormatException(param + " holds NAL type " + H265Keyframes.nalType(nalu[0])
                    + ", expected " + type);
        }
        return nalu;
    }

    // records compare arrays by identity; parameter sets are compared by content

    @Override
    public boolean equals(Object other) {
        return other instanceof H265ParameterSets o && Arrays.equals(o.vps, vps) && Arrays.equals(o.sps, sps) && Arrays.equals(o.pps, pps);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(vps) + 31 * Arrays.hashCode(sps) + 31 * Arrays.hashCode(pps);
    }

    @Override
    public String toString() {
        return "H265ParameterSets[" + "vps=" + HexFormat.of().formatHex(vps) + ", " + "sps=" + HexFormat.of().formatHex(sps) + ", " + "pps=" + HexFormat.of().formatHex(pps) + "]";
    }
}
