package io.sluice.stream;

/**
 * Codec is the closed set of media codecs Sluice recognises. Anything else travels as {@link #OTHER}
 * and is passed through to RTP readers unchanged.
 *
 * <p>Switches over this enum are written without {@code default} so that adding a codec fails to
 * compile wherever it is not handled.
 */
public enum Codec {
    H264(true), H265(true), AV1(true), VP8(true), VP9(true),
    /** MPEG-4 audio (AAC) in RTP as MPEG4-GENERIC (RFC 3640). */
    MPEG4_AUDIO(false),
    /** MPEG-4 audio (AAC) in RTP as MP4A-LATM (RFC 6416). */
    MPEG4_AUDIO_LATM(false),
    OPUS(false), G711_PCMU(false), G711_PCMA(false), G722(false), MPEG1_AUDIO(false), MPEG4_VIDEO(true),
    OTHER(false);

    private final boolean video;

    Codec(boolean video) {
        this.video = video;
    }

    /** True for codecs whose units have key and delta frames (a reader must start at a keyframe). */
    public boolean isVideo() {
        return video;
    }
}
