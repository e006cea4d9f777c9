package io.sluice.protocol.rtmp;

import java.nio.charset.StandardCharsets;

/**
 * VideoCodec lists the video codecs RTMP carries for us, with their Enhanced RTMP FourCC and their
 * classic FLV codec id (-1 if none).
 *
 * <p>Classic id 12 for HEVC is not in Adobe's FLV spec; Chinese CDNs and the servers built for them
 * (SRS, nginx-rtmp forks, some OBS builds) use it. It is parsed but never written: we send HEVC the
 * Enhanced RTMP way, which FFmpeg 6.1+, OBS 29.1+ and YouTube understand.
 *
 * @see <a href="https://veovera.org/docs/enhanced/enhanced-rtmp-v2">Enhanced RTMP v2</a>
 */
public enum VideoCodec {
    H264("avc1", 7),
    H265("hvc1", 12),
    AV1("av01", -1),
    VP9("vp09", -1);

    private final String fourCc;
    private final int fourCcValue;
    private final int classicId;

    VideoCodec(String fourCc, int classicId) {
        this.fourCc = fourCc;
        this.fourCcValue = fourCcValue(fourCc);
        this.classicId = classicId;
    }

    /** The FourCC as text, e.g. {@code "hvc1"}. */
    public String fourCc() {
        return fourCc;
    }

    /** The FourCC as the big-endian int it is on the wire. */
    public int fourCcValue() {
        return fourCcValue;
    }

    /** The classic FLV CodecID, or -1 if the codec only exists in Enhanced RTMP. */
    public int classicId() {
        return classicId;
    }

    /** The codec with this FourCC, or null. */
    public static VideoCodec ofFourCc(int value) {
        for (VideoCodec c : values()) {
            if (c.fourCcValue == value) {
                return c;
            }
        }
        return null;
    }

    /** The codec with this classic FLV CodecID, or null. */
    public static VideoCodec ofClassicId(int id) {
        for (VideoCodec c : values()) {
            if (c.classicId == id) {
                return c;
            }
        }
        return null;
    }

    static int fourCcValue(String fourCc) {
        byte[] b = fourCc.getBytes(StandardCharsets.US_ASCII);
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** A FourCC for messages: its text if printable, else hex. */
    static String describeFourCc(int value) {
        StringBuilder s = new StringBuilder("'");
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = value >>> shift & 0xff;
            if (c < 0x20 || c > 0x7e) {
                return String.format("0x%08x", value);
            }
            s.append((char) c);
        }
        return s.append('\'').toString();
    }
}
