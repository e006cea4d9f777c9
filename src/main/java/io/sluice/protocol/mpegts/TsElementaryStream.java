package io.sluice.protocol.mpegts;

/**
 * TsElementaryStream is one entry of a program map: the PID of an elementary stream, its
 * stream_type and what its descriptors add to identify it.
 *
 * @param pid the PID its PES packets come on
 * @param streamType stream_type (ISO/IEC 13818-1 Table 2-34), e.g. 0x1B H.264
 * @param formatId the format_identifier of a registration descriptor (tag 0x05), or of a
 *     metadata_descriptor (tag 0x26), e.g. "Opus" or "KLVA"; null when there is none
 * @param opusChannelCode channel_config_code of an Opus extension descriptor (tag 0x7F, extension 0x80),
 *     or -1 when there is none
 */
record TsElementaryStream(int pid, int streamType, String formatId, int opusChannelCode) {

    /** The codec, or null when it is not one that Sluice reads. */
    TsCodec codec() {
        return TsCodec.of(streamType, formatId);
    }

    /** For messages, e.g. "PID 0x101 (stream_type 0x6, Opus)". */
    String describe() {
        return "PID " + TsPacket.pidName(pid) + " (stream_type 0x" + Integer.toHexString(streamType)
                + (formatId != null ? ", " + formatId : "") + ")";
    }
}
