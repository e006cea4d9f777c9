package io.sluice.protocol.mpegts;

/**
 * TsCodec is the set of elementary stream codecs read from MPEG-TS. stream_type 0x06 ("private
 * data") and 0x15 ("metadata") say nothing on their own: the format identifier of a registration
 * or metadata descriptor names the codec, as FFmpeg and GStreamer write it for Opus and KLV.
 */
enum TsCodec {
    H264, H265,
    /** AAC in ADTS frames (stream_type 0x0F). */
    AAC,
    /** MPEG-1 or MPEG-2 audio layer I, II or III (stream_type 0x03, 0x04). */
    MPEG_AUDIO,
    /** Opus with the opus_control_header framing of ETSI TS 102 366 style (stream_type 0x06, "Opus"). */
    OPUS,
    /** SMPTE 336 KLV metadata (stream_type 0x15 or 0x06, "KLVA"). */
    KLV;

    static final int STREAM_TYPE_MPEG1_AUDIO = 0x03;
    static final int STREAM_TYPE_MPEG2_AUDIO = 0x04;
    static final int STREAM_TYPE_PRIVATE_PES = 0x06;
    static final int STREAM_TYPE_AAC_ADTS = 0x0F;
    static final int STREAM_TYPE_METADATA_PES = 0x15;
    static final int STREAM_TYPE_H264 = 0x1B;
    static final int STREAM_TYPE_H265 = 0x24;

    /** The codec of a stream_type and format identifier, or null when it is not read here. */
    static TsCodec of(int streamType, String formatId) {
        return switch (streamType) {
            case STREAM_TYPE_H264 -> H264;
            case STREAM_TYPE_H265 -> H265;
            case STREAM_TYPE_AAC_ADTS -> AAC;
            case STREAM_TYPE_MPEG1_AUDIO, STREAM_TYPE_MPEG2_AUDIO -> MPEG_AUDIO;
            case STREAM_TYPE_PRIVATE_PES -> "Opus".equals(formatId) ? OPUS : "KLVA".equals(formatId) ? KLV : null;
            case STREAM_TYPE_METADATA_PES -> "KLVA".equals(formatId) ? KLV : null;
            default -> null;
        };
    }

    boolean isVideo() {
        return this == H264 || this == H265;
    }
}
