package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;

/**
 * FlvVideoTag is the parsed header of an RTMP VIDEO message payload (an FLV VIDEODATA tag body) in
 * either the classic form (FrameType + CodecID, AVCPacketType, CompositionTime) or the Enhanced RTMP
 * form (IsExHeader bit, VideoPacketType, FourCC).
 *
 * <p>{@link #body()} is a slice of the parsed payload, not a copy and not retained: it is valid
 * while the payload is, and the caller retains it to keep it longer. For SEQUENCE_START it is the
 * decoder configuration record (avcC, hvcC, av1C, vpcC), for CODED_FRAMES the frames (length-prefixed
 * NAL units for H.264/H.265, OBUs for AV1, a frame for VP9), for METADATA AMF0 values.
 *
 * @param codec             null only for an Enhanced RTMP command frame, which names no codec
 * @param compositionTimeMs presentation minus decoding time, signed 24-bit; 0 unless CODED_FRAMES
 * @see <a href="https://veovera.org/docs/enhanced/enhanced-rtmp-v2">Enhanced RTMP v2, "Enhanced Video"</a>
 * @see <a href="https://rtmp.veriskope.com/pdf/video_file_format_spec_v10_1.pdf">FLV spec v10.1 E.4.3</a>
 */
public record FlvVideoTag(VideoCodec codec, PacketType type, boolean keyframe, int compositionTimeMs, ByteBuf body) {
    static final int FRAME_KEY = 1;
    static final int FRAME_INTER = 2;
    static final int FRAME_GENERATED_KEY = 4;
    static final int FRAME_COMMAND = 5;

    static final int EX_SEQUENCE_START = 0;
    static final int EX_CODED_FRAMES = 1;
    static final int EX_SEQUENCE_END = 2;
    static final int EX_CODED_FRAMES_X = 3;
    static final int EX_METADATA = 4;
    static final int EX_MPEG2TS_SEQUENCE_START = 5;
    static final int EX_MULTITRACK = 6;
    static final int EX_MOD_EX = 7;

    /**
     * Parses the tag header of {@code payload} without moving its reader index.
     *
     * @throws RtmpProtocolException for a truncated header, an unknown codec id, FourCC or packet
     *                               type, or E-RTMP multitrack video (not supported)
     */
    public static FlvVideoTag parse(ByteBuf payload) throws RtmpProtocolException {
        int start = payload.readerIndex();
        need(payload, start, 1, "video tag header");
        int b0 = payload.getUnsignedByte(start);
        if ((b0 & 0x80) == 0) {
            return parseClassic(payload, start, b0);
        }
        int frameType = b0 >>> 4 & 7;
        int packetType = b0 & 0x0f;
        int pos = start + 1;
        while (packetType == EX_MOD_EX) {
            pos = skipModEx(payload, pos, "video");
            packetType = payload.getUnsignedByte(pos - 1) & 0x0f;
        }
        if (packetType == EX_MULTITRACK) {
            throw new RtmpProtocolException("E-RTMP multitrack video (packet type 6) at offset " + (pos - 1 - start)
                    + " is not supported, send one track");
        }
        boolean keyframe = frameType == FRAME_KEY || frameType == FRAME_GENERATED_KEY;
        if (frameType == FRAME_COMMAND && packetType != EX_METADATA) {
            return new FlvVideoTag(null, PacketType.OTHER, false, 0, rest(payload, pos));
        }
        need(payload, pos, 4, "video FourCC");
        int fourCc = payload.getInt(pos);
        VideoCodec codec = VideoCodec.ofFourCc(fourCc);
        if (codec == null) {
            throw new RtmpProtocolException("unknown video FourCC " + VideoCodec.describeFourCc(fourCc)
                    + " at offset " + (pos - start) + ", expected avc1, hvc1, av01 or vp09");
        }
        pos += 4;
        return switch (packetType) {
            case EX_SEQUENCE_START -> new FlvVideoTag(codec, PacketType.SEQUENCE_START, keyframe, 0, rest(payload, pos));
            case EX_CODED_FRAMES -> {
                int cts = 0;
                if (codec == VideoCodec.H264 || codec == VideoCodec.H265) {
                    need(payload, pos, 3, "composition time");
                    cts = signed24(payload.getUnsignedMedium(pos));
                    pos += 3;
                }
                yield new FlvVideoTag(codec, PacketType.CODED_FRAMES, keyframe, cts, rest(payload, pos));
            }
            case EX_CODED_FRAMES_X -> new FlvVideoTag(codec, PacketType.CODED_FRAMES, keyframe, 0, rest(payload, pos));
            case EX_SEQUENCE_END -> new FlvVideoTag(codec, PacketType.SEQUENCE_END, keyframe, 0, rest(payload, pos));
            case EX_METADATA -> new FlvVideoTag(codec, PacketType.METADATA, false, 0, rest(payload, pos));
            case EX_MPEG2TS_SEQUENCE_START -> new FlvVideoTag(codec, PacketType.OTHER, keyframe, 0, rest(payload, pos));
            default -> throw new RtmpProtocolException("unknown E-RTMP video packet type " + packetType
                    + " at offset 0");
        };
    }

    private static FlvVideoTag parseClassic(ByteBuf payload, int start, int b0) throws RtmpProtocolException {
        int frameType = b0 >>> 4;
        int codecId = b0 & 0x0f;
        VideoCodec codec = VideoCodec.ofClassicId(codecId);
        if (codec == null) {
            throw new RtmpProtocolException("unsupported video codec id " + codecId + " at offset 0"
                    + ", expected 7 (AVC), 12 (HEVC) or an Enhanced RTMP header");
        }
        if (frameType == FRAME_COMMAND) {
            return new FlvVideoTag(codec, PacketType.OTHER, false, 0, rest(payload, start + 1));
        }
        need(payload, start, 5, "AVC video tag header");
        int avcPacketType = payload.getUnsignedByte(start + 1);
        PacketType type = switch (avcPacketType) {
            case 0 -> PacketType.SEQUENCE_START;
            case 1 -> PacketType.CODED_FRAMES;
            case 2 -> PacketType.SEQUENCE_END;
            default -> throw new RtmpProtocolException("unknown AVCPacketType " + avcPacketType
                    + " at offset 1, expected 0, 1 or 2");
        };
        int cts = type == PacketType.CODED_FRAMES ? signed24(payload.getUnsignedMedium(start + 2)) : 0;
        boolean keyframe = frameType == FRAME_KEY || frameType == FRAME_GENERATED_KEY;
        return new FlvVideoTag(codec, type, keyframe, cts, rest(payload, start + 5));
    }

    /**
     * Writes the tag header; the caller appends {@link #body()}. H.264 gets the classic AVC header
     * that every peer understands, the others the Enhanced RTMP header. H.265 coded frames with
     * composition time 0 use CodedFramesX, which saves the 3 bytes.
     *
     * @throws IllegalArgumentException for a type that cannot be written for this codec
     */
    public static void writeHeader(ByteBuf out, VideoCodec codec, PacketType type, boolean keyframe, int ctsMs) {
        int frameType = keyframe ? FRAME_KEY : FRAME_INTER;
        if (codec == VideoCodec.H264) {
            int avcPacketType = switch (type) {
                case SEQUENCE_START -> 0;
                case CODED_FRAMES -> 1;
                case SEQUENCE_END -> 2;
                case METADATA, OTHER -> throw new IllegalArgumentException("classic AVC has no " + type + " packet");
            };
            out.writeByte(frameType << 4 | codec.classicId()).writeByte(avcPacketType);
            out.writeMedium(type == PacketType.CODED_FRAMES ? ctsMs : 0);
            return;
        }
        boolean withCts = codec == VideoCodec.H265 && type == PacketType.CODED_FRAMES && ctsMs != 0;
        int packetType = switch (type) {
            case SEQUENCE_START -> EX_SEQUENCE_START;
            case CODED_FRAMES -> withCts || codec != VideoCodec.H265 ? EX_CODED_FRAMES : EX_CODED_FRAMES_X;
            case SEQUENCE_END -> EX_SEQUENCE_END;
            case METADATA -> EX_METADATA;
            case OTHER -> throw new IllegalArgumentException("cannot write an OTHER video packet");
        };
        if (ctsMs != 0 && !withCts) {
            throw new IllegalArgumentException("composition time " + ctsMs + " cannot be sent for " + codec + " "
                    + type);
        }
        out.writeByte(0x80 | frameType << 4 | packetType).writeInt(codec.fourCcValue());
        if (withCts) {
            out.writeMedium(ctsMs);
        }
    }

    /** Skips one E-RTMP v2 ModEx entry at {@code pos}; returns the position after its type byte. */
    static int skipModEx(ByteBuf payload, int pos, String what) throws RtmpProtocolException {
        need(payload, pos, 1, what + " ModEx size");
        int size = payload.getUnsignedByte(pos) + 1;
        pos++;
        if (size == 256) {
            need(payload, pos, 2, what + " ModEx size");
            size = payload.getUnsignedShort(pos) + 1;
            pos += 2;
        }
        need(payload, pos, size + 1, what + " ModEx data");
        return pos + size + 1;
    }

    static void need(ByteBuf payload, int pos, int n, String what) throws RtmpProtocolException {
        int have = payload.writerIndex() - pos;
        if (have < n) {
            throw new RtmpProtocolException("truncated " + what + " at offset " + (pos - payload.readerIndex())
                    + ": need " + n + " bytes, have " + Math.max(have, 0));
        }
    }

    static ByteBuf rest(ByteBuf payload, int pos) {
        return payload.slice(pos, payload.writerIndex() - pos);
    }

    private static int signed24(int v) {
        return v << 8 >> 8;
    }
}
