package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;

/**
 * FlvAudioTag is the parsed header of an RTMP AUDIO message payload (an FLV AUDIODATA tag body):
 * classic SoundFormat (with AACPacketType for AAC) or Enhanced RTMP v2 audio (SoundFormat 9 =
 * ExHeader, AudioPacketType, FourCC).
 *
 * <p>{@link #body()} is a slice of the parsed payload, not a copy and not retained. For AAC
 * SEQUENCE_START it is the AudioSpecificConfig, for Opus SEQUENCE_START the OpusHead, for
 * CODED_FRAMES one frame. Classic codecs other than AAC have no sequence start.
 *
 * @see <a href="https://veovera.org/docs/enhanced/enhanced-rtmp-v2">Enhanced RTMP v2, "Enhanced Audio"</a>
 * @see <a href="https://rtmp.veriskope.com/pdf/video_file_format_spec_v10_1.pdf">FLV spec v10.1 E.4.2</a>
 */
public record FlvAudioTag(AudioCodec codec, PacketType type, ByteBuf body) {
    static final int SOUND_FORMAT_EX_HEADER = 9;

    static final int EX_SEQUENCE_START = 0;
    static final int EX_CODED_FRAMES = 1;
    static final int EX_SEQUENCE_END = 2;
    static final int EX_MULTICHANNEL_CONFIG = 4;
    static final int EX_MULTITRACK = 5;
    static final int EX_MOD_EX = 7;

    /**
     * Parses the tag header of {@code payload} without moving its reader index.
     *
     * @throws RtmpProtocolException for a truncated header, an unknown FourCC or packet type, or E-RTMP
     *                               multitrack audio (not supported)
     */
    public static FlvAudioTag parse(ByteBuf payload) throws RtmpProtocolException {
        int start = payload.readerIndex();
        FlvVideoTag.need(payload, start, 1, "audio tag header");
        int b0 = payload.getUnsignedByte(start);
        int soundFormat = b0 >>> 4;
        if (soundFormat != SOUND_FORMAT_EX_HEADER) {
            AudioCodec codec = AudioCodec.ofSoundFormat(soundFormat);
            if (codec != AudioCodec.AAC) {
                return new FlvAudioTag(codec, PacketType.CODED_FRAMES, FlvVideoTag.rest(payload, start + 1));
            }
            FlvVideoTag.need(payload, start, 2, "AAC audio tag header");
            int aacPacketType = payload.getUnsignedByte(start + 1);
            PacketType type = switch (aacPacketType) {
                case 0 -> PacketType.SEQUENCE_START;
                case 1 -> PacketType.CODED_FRAMES;
                default -> throw new RtmpProtocolException("unknown AACPacketType " + aacPacketType
                        + " at offset 1, expected 0 or 1");
            };
            return new FlvAudioTag(codec, type, FlvVideoTag.rest(payload, start + 2));
        }
        int packetType = b0 & 0x0f;
        int pos = start + 1;
        while (packetType == EX_MOD_EX) {
            pos = FlvVideoTag.skipModEx(payload, pos, "audio");
            packetType = payload.getUnsignedByte(pos - 1) & 0x0f;
        }
        if (packetType == EX_MULTITRACK) {
            throw new RtmpProtocolException("E-RTMP multitrack audio (packet type 5) at offset " + (pos - 1 - start)
                    + " is not supported, send one track");
        }
        FlvVideoTag.need(payload, pos, 4, "audio FourCC");
        int fourCc = payload.getInt(pos);
        AudioCodec codec = AudioCodec.ofFourCc(fourCc);
        if (codec == null) {
            throw new RtmpProtocolException("unknown audio FourCC " + VideoCodec.describeFourCc(fourCc)
                    + " at offset " + (pos - start) + ", expected Opus, mp4a, .mp3, fLaC, ac-3 or ec-3");
        }
        PacketType type = switch (packetType) {
            case EX_SEQUENCE_START -> PacketType.SEQUENCE_START;
            case EX_CODED_FRAMES -> PacketType.CODED_FRAMES;
            case EX_SEQUENCE_END -> PacketType.SEQUENCE_END;
            case EX_MULTICHANNEL_CONFIG -> PacketType.OTHER;
            default -> throw new RtmpProtocolException("unknown E-RTMP audio packet type " + packetType
                    + " at offset 0");
        };
        return new FlvAudioTag(codec, type, FlvVideoTag.rest(payload, pos + 4));
    }

    /**
     * Writes the tag header; the caller appends {@link #body()}. AAC gets the classic 0xAF header
     * (the FLV spec fixes rate and channel bits for AAC; decoders read the AudioSpecificConfig),
     * G.711 and MP3 at 44.1/22.05/11.025 kHz the classic header, Opus, FLAC, AC-3, E-AC-3 and other
     * MP3 rates the Enhanced RTMP header.
     *
     * @throws IllegalArgumentException for {@link AudioCodec#OTHER} or a type the codec cannot have
     */
    public static void writeHeader(ByteBuf out, AudioCodec codec, PacketType type, int sampleRate, int channels) {
        int stereo = channels > 1 ? 1 : 0;
        switch (codec) {
            case AAC -> {
                if (type != PacketType.SEQUENCE_START && type != PacketType.CODED_FRAMES) {
                    throw new IllegalArgumentException("classic AAC has no " + type + " packet");
                }
                out.writeByte(AudioCodec.AAC.soundFormat() << 4 | 0x0F);
                out.writeByte(type == PacketType.SEQUENCE_START ? 0 : 1);
            }
            case G711A, G711U -> {
                codedFramesOnly(codec, type);
                // rate bits 0: G.711 is 8 kHz, which FLV has no code for
                out.writeByte(codec.soundFormat() << 4 | 1 << 1 | stereo);
            }
            case MP3 -> {
                int rateBits = switch (sampleRate) {
                    case 11025 -> 1;
                    case 22050 -> 2;
                    case 44100 -> 3;
                    default -> -1;
                };
                if (rateBits >= 0 && type == PacketType.CODED_FRAMES) {
                    out.writeByte(codec.soundFormat() << 4 | rateBits << 2 | 1 << 1 | stereo);
                } else {
                    writeEx(out, codec, type);
                }
            }
            case OPUS, FLAC, AC3, EAC3 -> writeEx(out, codec, type);
            case OTHER -> throw new IllegalArgumentException("cannot write a header for codec OTHER");
        }
    }

    private static void codedFramesOnly(AudioCodec codec, PacketType type) {
        if (type != PacketType.CODED_FRAMES) {
            throw new IllegalArgumentException("classic " + codec + " has no " + type + " packet");
        }
    }

    private static void writeEx(ByteBuf out, AudioCodec codec, PacketType type) {
        int packetType = switch (type) {
            case SEQUENCE_START -> EX_SEQUENCE_START;
            case CODED_FRAMES -> EX_CODED_FRAMES;
            case SEQUENCE_END -> EX_SEQUENCE_END;
            case METADATA, OTHER -> throw new IllegalArgumentException("cannot write an E-RTMP audio " + type
                    + " packet");
        };
        out.writeByte(SOUND_FORMAT_EX_HEADER << 4 | packetType).writeInt(codec.fourCcValue());
    }
}
