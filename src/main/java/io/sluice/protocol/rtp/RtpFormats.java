package io.sluice.protocol.rtp;

import io.sluice.stream.Codec;
import io.sluice.stream.Format;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * RtpFormats turns the codec configuration of a source that is not RTP (an FLV sequence header, an
 * MPEG-TS elementary stream) into the RTP payload {@link Format} an SDP announces and a
 * {@link Packetizer} produces. Each Format is the one the matching {@link Depacketizer}, SDP mapper
 * and {@link H264ParameterSets#fromFormat}/{@link H265ParameterSets#fromFormat} read back, so an RTP
 * reader gets the same parameters whether the publisher spoke RTP or not.
 */
public final class RtpFormats {

    /** Clock rate of every video format here (RFC 6184 §8.2.1, RFC 7798 §7.2). */
    public static final int VIDEO_CLOCK_RATE = 90_000;
    /** Opus always announces 48 kHz and 2 channels, whatever it carries (RFC 7587 §7). */
    public static final int OPUS_CLOCK_RATE = 48_000;
    /** G.711 is 8 kHz audio with static payload types (RFC 3551 §6). */
    public static final int G711_CLOCK_RATE = 8_000;
    /** MPEG-1/2 audio ("MPA") always has a 90 kHz clock and static payload type 14 (RFC 3551 §4.5.13, §6). */
    public static final int MPEG_AUDIO_CLOCK_RATE = 90_000;
    static final int MPEG_AUDIO_PAYLOAD_TYPE = 14;
    static final int PCMU_PAYLOAD_TYPE = 0;
    static final int PCMA_PAYLOAD_TYPE = 8;

    /** Bits of the AAC-hbr AU header fields (RFC 3640 §3.3.6): 13 bits of size allow AUs up to 8191 bytes. */
    static final int AAC_SIZE_LENGTH = 13;
    static final int AAC_INDEX_LENGTH = 3;

    private RtpFormats() {
    }

    /**
     * H.264 in packetization mode 1 (single NAL units, STAP-A, FU-A), with the parameter sets in
     * sprop-parameter-sets and profile-level-id from the SPS (RFC 6184 §8.1).
     *
     * @param sps the SPS NAL unit, or null when it is not known yet (it then comes in-band)
     * @param pps the PPS NAL unit, or null (sprop is only written when both are known)
     * @throws RtpFormatException when the SPS is not NAL type 7 with its 3 profile and level bytes, or
     *     the PPS not NAL type 8
     */
    public static Format h264(int payloadType, byte[] sps, byte[] pps) {
        List<String> fmtp = new ArrayList<>(3);
        fmtp.add("packetization-mode=1");
        if (sps != null) {
            if (sps.length < 4 || (sps[0] & 0x1f) != H264Keyframes.NAL_SPS) {
                throw new RtpFormatException("invalid H264 SPS " + HexFormat.of().formatHex(sps)
                        + ": needs NAL type 7 and profile_idc, constraint flags, level_idc");
            }
            if (pps != null) {
                if (pps.length < 2 || (pps[0] & 0x1f) != H264Keyframes.NAL_PPS) {
                    // H264ParameterSets.fromFormat would reject the whole fmtp
                    throw new RtpFormatException("invalid H264 PPS " + HexFormat.of().formatHex(pps) + ": needs NAL type 8");
                }
                fmtp.add("sprop-parameter-sets=" + base64(sps) + "," + base64(pps));
            }
            // profile_idc, the constraint flags and level_idc are the three bytes after the NAL header
            fmtp.add("profile-level-id=" + HexFormat.of().withUpperCase().formatHex(sps, 1, 4));
        }
        return new Format(payloadType, Codec.H264, "H264", VIDEO_CLOCK_RATE, 0, String.join("; ", fmtp));
    }

    /**
     * H.265 with its parameter sets in sprop-vps, sprop-sps and sprop-pps (RFC 7798 §7.1), written only
     * when all three are known because a receiver needs all three to use any of them.
     *
     * @throws RtpFormatException when a given parameter set has the wrong NAL type
     */
    public static Format h265(int payloadType, byte[] vps, byte[] sps, byte[] pps) {
        String fmtp = "";
        if (vps != null && sps != null && pps != null) {
            checkH265(vps, H265Keyframes.NAL_VPS, "VPS");
            checkH265(sps, H265Keyframes.NAL_SPS, "SPS");
            checkH265(pps, H265Keyframes.NAL_PPS, "PPS");
            fmtp = "sprop-vps=" + base64(vps) + "; sprop-sps=" + base64(sps) + "; sprop-pps=" + base64(pps);
        }
        return new Format(payloadType, Codec.H265, "H265", VIDEO_CLOCK_RATE, 0, fmtp);
    }

    private static void checkH265(byte[] nalu, int type, String name) {
        if (nalu.length < 3 || H265Keyframes.nalType(nalu[0]) != type) {
            throw new RtpFormatException("invalid H265 " + name + " " + HexFormat.of().formatHex(nalu)
                    + ": expected NAL type " + type);
        }
    }

    /**
     * AAC as MPEG4-GENERIC in AAC-hbr mode (RFC 3640 §3.3.6). The clock rate is the configuration's
     * sample rate, which together with its frame length is what the depacketizer steps timestamps by.
     * profile-level-id=1 is what FFmpeg announces (see the captures); decoders configure themselves from
     * config= instead.
     *
     * @param audioSpecificConfig the configuration bytes, as an FLV AAC sequence header carries them
     * @throws RtpFormatException when the configuration is invalid
     */
    public static Format aac(int payloadType, byte[] audioSpecificConfig) {
        AudioSpecificConfig asc = AudioSpecificConfig.parse(audioSpecificConfig);
        String fmtp = "streamtype=5; profile-level-id=1; mode=AAC-hbr; sizelength=" + AAC_SIZE_LENGTH
                + "; indexlength=" + AAC_INDEX_LENGTH + "; indexdeltalength=" + AAC_INDEX_LENGTH
                + "; config=" + HexFormat.of().formatHex(audioSpecificConfig);
        return new Format(payloadType, Codec.MPEG4_AUDIO, "MPEG4-GENERIC", asc.sampleRate(), asc.channels(), fmtp);
    }

    /**
     * Opus (RFC 7587 §7): always "opus/48000/2"; sprop-stereo=1 tells the receiver that the sender
     * sends stereo, so it can avoid wasting resources on it for mono.
     *
     * @param channels 1 or 2; multichannel Opus has a different payload format
     * @throws RtpFormatException for another channel count
     */
    public static Format opus(int payloadType, int channels) {
        if (channels != 1 && channels != 2) {
            throw new RtpFormatException("unsupported Opus channel count " + channels + " (only 1 and 2)");
        }
        return new Format(payloadType, Codec.OPUS, "opus", OPUS_CLOCK_RATE, 2, channels == 2 ? "sprop-stereo=1" : "");
    }

    /**
     * MPEG-1/2 audio layers I-III as "MPA/90000" with static payload type 14 (RFC 3551 §4.5.13, RFC 2250
     * §3.5). No channel count or fmtp: each frame's header says the sampling rate, layer and mode.
     */
    public static Format mpegAudio() {
        return new Format(MPEG_AUDIO_PAYLOAD_TYPE, Codec.MPEG1_AUDIO, "MPA", MPEG_AUDIO_CLOCK_RATE, 0, "");
    }

    /** G.711 µ-law, mono, static payload type 0 (RFC 3551 §4.5.14). */
    public static Format pcmu() {
        return new Format(PCMU_PAYLOAD_TYPE, Codec.G711_PCMU, "PCMU", G711_CLOCK_RATE, 1, "");
    }

    /** G.711 A-law, mono, static payload type 8 (RFC 3551 §4.5.14). */
    public static Format pcma() {
        return new Format(PCMA_PAYLOAD_TYPE, Codec.G711_PCMA, "PCMA", G711_CLOCK_RATE, 1, "");
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
