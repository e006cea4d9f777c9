package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.Format;

import java.util.ArrayList;
import java.util.List;

/**
 * MpegAudioPacketizer puts MPEG-1/2 audio frames (layers I, II, III, header included) into "MPA" RTP
 * packets (<a href="https://www.rfc-editor.org/rfc/rfc2250#section-3.5">RFC 2250 §3.5</a>): a 4-byte
 * header of 16 zero bits (MBZ) and the 16-bit byte offset of the packet's data in its frame, then the
 * data. See {@link Packetizer} for ownership.
 *
 * <p>One frame per packet, never several, for the same reason as {@link Mpeg4AudioPacketizer}: a
 * frame is sent as soon as it is here. A frame larger than a packet (layer II at 384 kbit/s and
 * 32 kHz is 1728 bytes) is fragmented: each fragment carries its offset and the frame's timestamp.
 * The marker bit stays 0: RFC 2250 §3.2 sets it only at a timestamp discontinuity, which a source
 * that is not RTP does not signal.
 */
final class MpegAudioPacketizer extends WriterPacketizer {

    /** MBZ and Frag_offset. */
    private static final int HEADER_SIZE = 4;
    /** Frag_offset is 16 bits; real frames stay far below (layer I/II at most 2881 bytes, layer III 1441). */
    static final int MAX_FRAME_SIZE = 0xFFFF;

    MpegAudioPacketizer(Format format, RtpPacketWriter writer) {
        super(format, writer);
    }

    /**
     * @param units exactly one MPEG audio frame, starting with its 4-byte frame header
     * @param rtpTimestamp in 90 kHz, whatever the sampling rate (RFC 3551 §4.5.13)
     * @throws RtpPacketException when the frame is empty or larger than {@link #MAX_FRAME_SIZE}
     */
    @Override
    public List<ByteBuf> packetize(List<ByteBuf> units, long rtpTimestamp) {
        ByteBuf frame = RtpPacketWriter.single(units, "MPEG audio");
        int size = frame.readableBytes();
        if (size == 0 || size > MAX_FRAME_SIZE) {
            throw new RtpPacketException("MPEG audio frame of " + size + " bytes outside 1.." + MAX_FRAME_SIZE);
        }
        int maxChunk = MAX_PAYLOAD_SIZE - HEADER_SIZE;
        List<ByteBuf> out = new ArrayList<>((size + maxChunk - 1) / maxChunk);
        try {
            for (int offset = 0; offset < size; offset += maxChunk) {
                int chunk = Math.min(maxChunk, size - offset);
                ByteBuf p = writer.start(HEADER_SIZE + chunk, rtpTimestamp, false);
                out.add(p);
                p.writeShort(0); // MBZ
                p.writeShort(offset);
                p.writeBytes(frame, frame.readerIndex() + offset, chunk);
            }
        } catch (RuntimeException | Error e) {
            RtpPacketWriter.releaseAll(out);
            throw e;
        }
        return out;
    }
}
