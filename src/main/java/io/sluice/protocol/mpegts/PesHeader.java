package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;

/**
 * PesHeader is the header of one PES packet (ISO/IEC 13818-1 §2.4.3.6, §2.4.3.7): stream id,
 * length and the presentation and decoding times.
 *
 * @param streamId stream_id, e.g. 0xE0 video, 0xC0 audio, 0xBD private_stream_1 (Opus, KLV)
 * @param packetLength PES_packet_length: bytes after this field, or 0 for "unbounded" (allowed for
 *     video only, where a frame may exceed 65535 bytes)
 * @param pts presentation time stamp, 33 bits of 90 kHz, or {@link #NONE}
 * @param dts decoding time stamp, or {@link #NONE} (then it equals the PTS)
 * @param headerSize bytes before the elementary stream data
 */
record PesHeader(int streamId, int packetLength, long pts, long dts, int headerSize) {

    static final long NONE = -1;
    /** Bytes up to and including PES_packet_length. */
    static final int FIXED_SIZE = 6;
    /** Bytes up to and including PES_header_data_length, for streams that have the optional header. */
    static final int OPTIONAL_FIXED_SIZE = 9;

    private static final int PROGRAM_STREAM_MAP = 0xBC;
    private static final int PADDING_STREAM = 0xBE;
    private static final int PRIVATE_STREAM_2 = 0xBF;
    private static final int ECM_STREAM = 0xF0;
    private static final int EMM_STREAM = 0xF1;
    private static final int DSMCC_STREAM = 0xF2;
    private static final int H222_TYPE_E_STREAM = 0xF8;
    private static final int PROGRAM_STREAM_DIRECTORY = 0xFF;

    /**
     * The size of the header that starts at {@code at}, once {@code available} bytes are enough to know
     * it, else -1 (the header goes on in the next packet).
     *
     * @throws TsFormatException as soon as the start code is wrong
     */
    static int sizeIfKnown(ByteBuf b, int at, int available) {
        if (available >= 3) {
            checkPrefix(b, at);
        }
        if (available < OPTIONAL_FIXED_SIZE) {
            return available >= FIXED_SIZE && !hasOptionalHeader(b.getUnsignedByte(at + 3)) ? FIXED_SIZE : -1;
        }
        return hasOptionalHeader(b.getUnsignedByte(at + 3))
                ? OPTIONAL_FIXED_SIZE + b.getUnsignedByte(at + 8) : FIXED_SIZE;
    }

    /**
     * Parses the header at {@code at}; {@link #sizeIfKnown} bytes must be there.
     *
     * @throws TsFormatException without the 00 00 01 start code or with time stamps that do not fit
     */
    static PesHeader parse(ByteBuf b, int at) {
        checkPrefix(b, at);
        int streamId = b.getUnsignedByte(at + 3);
        int packetLength = b.getUnsignedShort(at + 4);
        if (!hasOptionalHeader(streamId)) {
            return new PesHeader(streamId, packetLength, NONE, NONE, FIXED_SIZE);
        }
        int flags = b.getUnsignedByte(at + 7);
        int dataLength = b.getUnsignedByte(at + 8);
        int ptsDts = flags >> 6;
        int need = ptsDts == 3 ? 10 : ptsDts == 2 ? 5 : 0;
        if (ptsDts == 1 || need > dataLength) {
            throw new TsFormatException("PES PTS_DTS_flags " + ptsDts + " with PES_header_data_length " + dataLength
                    + " (stream_id 0x" + Integer.toHexString(streamId) + ")");
        }
        long pts = ptsDts >= 2 ? timestamp(b, at + 9) : NONE;
        long dts = ptsDts == 3 ? timestamp(b, at + 14) : NONE;
        int headerSize = OPTIONAL_FIXED_SIZE + dataLength;
        if (packetLength != 0 && packetLength + FIXED_SIZE < headerSize) {
            throw new TsFormatException("PES_packet_length " + packetLength + " shorter than its header ("
                    + headerSize + " bytes)");
        }
        return new PesHeader(streamId, packetLength, pts, dts, headerSize);
    }

    private static void checkPrefix(ByteBuf b, int at) {
        int prefix = b.getUnsignedMedium(at);
        if (prefix != 1) {
            throw new TsFormatException("PES start code 0x" + Integer.toHexString(prefix) + " instead of 0x000001");
        }
    }

    /** Whether the PES has the optional header with flags and time stamps (Table 2-21's exceptions). */
    private static boolean hasOptionalHeader(int streamId) {
        return switch (streamId) {
            case PROGRAM_STREAM_MAP, PADDING_STREAM, PRIVATE_STREAM_2, ECM_STREAM, EMM_STREAM, DSMCC_STREAM,
                    H222_TYPE_E_STREAM, PROGRAM_STREAM_DIRECTORY -> false;
            default -> true;
        };
    }

    /** A 33-bit time stamp spread over 5 bytes with marker bits: 3 + 15 + 15 bits. */
    private static long timestamp(ByteBuf b, int at) {
        long hi = (b.getUnsignedByte(at) >> 1) & 0x07;
        long mid = b.getUnsignedShort(at + 1) >> 1;
        long lo = b.getUnsignedShort(at + 3) >> 1;
        return (hi << 30) | (mid << 15) | lo;
    }

    /** Whether the PES ends at a known length rather than at the next payload_unit_start_indicator. */
    boolean bounded() {
        return packetLength != 0;
    }

    /** The whole PES size, header included; only for {@link #bounded()} ones. */
    int totalSize() {
        return FIXED_SIZE + packetLength;
    }
}
