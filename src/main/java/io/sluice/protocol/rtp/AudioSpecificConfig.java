package io.sluice.protocol.rtp;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * AudioSpecificConfig is the MPEG-4 audio decoder configuration (ISO/IEC 14496-3 §1.6.2.1) that AAC
 * streams announce in SDP: the {@code config=} fmtp parameter of mpeg4-generic
 * (<a href="https://www.rfc-editor.org/rfc/rfc3640#section-4.1">RFC 3640 §4.1</a>) or inside the
 * StreamMuxConfig of MP4A-LATM (<a href="https://www.rfc-editor.org/rfc/rfc6416#section-7.3">RFC 6416 §7.3</a>).
 * FLV and MPEG-TS mappers need it for the AAC sequence header and ADTS headers.
 *
 * @param objectType audio object type (2 = AAC LC, 5 = SBR, 29 = PS)
 * @param sampleRate output sample rate in Hz (the SBR extension rate when SBR is signalled explicitly)
 * @param channels channel count; 0 when a program config element defines them
 * @param frameLength samples per access unit at {@code sampleRate} (1024, 960, or double with SBR)
 * @param bytes the configuration bytes, byte-aligned, as an FLV AAC sequence header carries them
 */
public record AudioSpecificConfig(int objectType, int sampleRate, int channels, int frameLength, byte[] bytes) {

    private static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000,
            12000, 11025, 8000, 7350};
    private static final int AOT_ESCAPE = 31;
    private static final int AOT_SBR = 5;
    private static final int AOT_PS = 29;
    private static final int SAMPLE_RATE_INDEX_EXPLICIT = 15;
    /** Longest config= value accepted, in hex digits; real ones are 4 to 14. */
    public static final int MAX_CONFIG_HEX_LENGTH = 256;

    public AudioSpecificConfig {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Parses a byte-aligned AudioSpecificConfig; {@link #bytes()} is then all of {@code asc}.
     *
     * @throws RtpFormatException when it is truncated or uses an unsupported sample rate index
     */
    public static AudioSpecificConfig parse(byte[] asc) {
        AudioSpecificConfig c = read(new BitReader(asc, "AudioSpecificConfig"));
        // keep trailing bits such as a backward-compatible SBR sync extension (0x2b7)
        return new AudioSpecificConfig(c.objectType, c.sampleRate, c.channels, c.frameLength, asc);
    }

    /**
     * Parses the hex {@code config=} value of an mpeg4-generic fmtp.
     *
     * @throws RtpFormatException when it is not hex or not a valid configuration
     */
    public static AudioSpecificConfig fromMpeg4GenericConfig(String hex) {
        return parse(hex(hex));
    }

    /**
     * Parses the hex {@code config=} value of an MP4A-LATM fmtp (a StreamMuxConfig, ISO/IEC 14496-3
     * §1.7.3) and returns the configuration of its first program and layer.
     *
     * @throws RtpFormatException for audioMuxVersionA 1 or an invalid configuration
     */
    public static AudioSpecificConfig fromLatmConfig(String hex) {
        BitReader r = new BitReader(hex(hex), "StreamMuxConfig");
        int audioMuxVersion = r.readInt(1);
        int audioMuxVersionA = audioMuxVersion == 1 ? r.readInt(1) : 0;
        if (audioMuxVersionA != 0) {
            throw new RtpFormatException("unsupported LATM audioMuxVersionA 1 in config=" + hex);
        }
        if (audioMuxVersion == 1) {
            latmValue(r); // taraBufferFullness
        }
        r.skip(1 + 6 + 4 + 3); // allStreamsSameTimeFraming, numSubFrames, numProgram, numLayer
        if (audioMuxVersion == 1) {
            int ascLen = (int) latmValue(r);
            int start = r.position();
            AudioSpecificConfig c = read(r);
            r.skip(Math.max(0, start + ascLen - r.position())); // fill bits after the config
            return c;
        }
        return read(r);
    }

    private static long latmValue(BitReader r) {
        int bytes = r.readInt(2) + 1;
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | r.readBits(8);
        }
        return v;
    }

    private static byte[] hex(String hex) {
        String h = hex.trim();
        if (h.length() > MAX_CONFIG_HEX_LENGTH || h.isEmpty() || (h.length() & 1) != 0) {
            throw new RtpFormatException("invalid AAC config=" + abbreviate(h) + " (length " + h.length() + ")");
        }
        try {
            return HexFormat.of().parseHex(h);
        } catch (IllegalArgumentException e) {
            throw new RtpFormatException("invalid AAC config=" + abbreviate(h) + ": not hex");
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static AudioSpecificConfig read(BitReader r) {
        int start = r.position();
        int aot = objectType(r);
        int rate = sampleRate(r);
        int channelConfig = r.readInt(4);
        int frameLength = 1024;
        int outRate = rate;
        boolean sbr = false;
        if (aot == AOT_SBR || aot == AOT_PS) {
            // explicit hierarchical signalling: the extension rate, then the core object type
            outRate = sampleRate(r);
            sbr = true;
            objectType(r);
        }
        int coreAot = aot == AOT_SBR || aot == AOT_PS ? -1 : aot;
        if (coreAot == 1 || coreAot == 2 || coreAot == 3 || coreAot == 4 || coreAot == 6 || coreAot == 7 || sbr) {
            // GASpecificConfig: frameLengthFlag selects 960-sample frames (used by DAB+)
            if (r.readFlag()) {
                frameLength = 960;
            }
        }
        if (channelConfig == 0) {
            throw new RtpFormatException("unsupported AudioSpecificConfig with channelConfiguration 0 (program config element)");
        }
        int channels = channelConfig == 7 ? 8 : channelConfig;
        if (sbr && outRate != rate) {
            frameLength *= 2;
        }
        int end = r.position();
        return new AudioSpecificConfig(aot, outRate, channels, frameLength, r.copyBits(start, end));
    }

    private static int objectType(BitReader r) {
        int aot = r.readInt(5);
        return aot == AOT_ESCAPE ? 32 + r.readInt(6) : aot;
    }

    private static int sampleRate(BitReader r) {
        int index = r.readInt(4);
        if (index == SAMPLE_RATE_INDEX_EXPLICIT) {
            return r.readInt(24);
        }
        if (index >= SAMPLE_RATES.length) {
            throw new RtpFormatException("invalid AAC sampling frequency index " + index);
        }
        return SAMPLE_RATES[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AudioSpecificConfig c && c.objectType == objectType && c.sampleRate == sampleRate
                && c.channels == channels && c.frameLength == frameLength && Arrays.equals(c.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "AudioSpecificConfig[objectType=" + objectType + ", sampleRate=" + sampleRate + ", channels=" + channels
                + ", frameLength=" + frameLength + ", bytes=" + HexFormat.of().formatHex(bytes) + "]";
    }
}
