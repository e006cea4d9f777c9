package io.sluice.protocol.rtmp;

/**
 * PacketType says what an FLV audio or video tag body ({@link FlvVideoTag}, {@link FlvAudioTag})
 * carries: the decoder configuration, coded frames, the end of the sequence, E-RTMP metadata, or
 * something a relay passes on without looking (command frames, MPEG-2 TS sequence start,
 * multichannel configuration).
 */
public enum PacketType {
    SEQUENCE_START,
    CODED_FRAMES,
    SEQUENCE_END,
    METADATA,
    OTHER
}
