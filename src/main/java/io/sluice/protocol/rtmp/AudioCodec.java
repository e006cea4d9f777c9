package io.sluice.protocol.rtmp;

/**
 * AudioCodec lists the audio codecs of FLV tags, with their classic FLV SoundFormat (-1 if none) and
 * Enhanced RTMP v2 FourCC (null if none). {@link #OTHER} stands for every other classic SoundFormat
 * (PCM, ADPCM, Nellymoser, Speex...), which a relay passes on without understanding.
 *
 * @see <a href="https://veovera.org/docs/enhanced/enhanced-rtmp-v2">Enhanced RTMP v2</a>
 */
public enum AudioCodec {
    AAC(10, "mp4a"),
    OPUS(-1, "Opus"),
    MP3(2, ".mp3"),
    G711A(7, null),
    G711U(8, null),
    AC3(-1, "ac-3"),
    EAC3(-1, "ec-3"),
    FLAC(-1, "fLaC"),
    OTHER(-1, null);

    private final int soundFormat;
    private final String fourCc;
    private final int fourCcValue;

    AudioCodec(int soundFormat, String fourCc) {
        this.soundFormat = soundFormat;
        this.fourCc = fourCc;
        this.fourCcValue = fourCc == null ? 0 : VideoCodec.fourCcValue(fourCc);
    }

    /** The classic FLV SoundFormat, or -1. */
    public int soundFormat() {
        return soundFormat;
    }

    /** The Enhanced RTMP FourCC, or null. */
    public String fourCc() {
        return fourCc;
    }

    /** The FourCC as the big-endian int it is on the wire (0 if none). */
    public int fourCcValue() {
        return fourCcValue;
    }

    /** The codec with this FourCC, or null. */
    public static AudioCodec ofFourCc(int value) {
        for (AudioCodec c : values()) {
            if (c.fourCc != null && c.fourCcValue == value) {
                return c;
            }
        }
        return null;
    }

    /** The codec with this classic SoundFormat: {@link #OTHER} for the ones not listed. */
    public static AudioCodec ofSoundFormat(int format) {
        for (AudioCodec c : values()) {
            if (c.soundFormat == format) {
                return c;
            }
        }
        return OTHER;
    }
}
