package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.Format;

import java.util.ArrayList;
import java.util.List;

/**
 * Mpeg4AudioPacketizer puts raw AAC frames into mpeg4-generic RTP packets in AAC-hbr mode, one frame
 * per packet (<a href="https://www.rfc-editor.org/rfc/rfc3640#section-3.3.6">RFC 3640 §3.3.6</a>), the
 * inverse of {@link Mpeg4AudioDepacketizer}. See {@link Packetizer} for ownership.
 *
 * <p>One frame per packet rather than several: aggregation would save a few headers per second at the
 * cost of holding frames back, and this server forwards with the least latency it can. A frame larger
 * than a packet is fragmented (RFC 3640 §3.2.3.1): every fragment repeats the one AU header with the
 * whole frame's size, all share the timestamp, and only the last has the marker bit, which RFC 3640
 * §3.1 sets on a packet holding whole frames or the final fragment of one.
 */
final class Mpeg4AudioPacketizer extends WriterPacketizer {

    /** Largest AAC frame: the 13-bit AU-size field of AAC-hbr. Real frames stay below 6144 bits per channel. */
    static final int MAX_FRAME_SIZE = (1 << RtpFormats.AAC_SIZE_LENGTH) - 1;
    /** AU-headers-length field plus one 16-bit AU header (13 bits size, 3 bits index 0). */
    private static final int HEADER_SECTION_SIZE = 4;
    private static final int AU_HEADER_BITS = RtpFormats.AAC_SIZE_LENGTH + RtpFormats.AAC_INDEX_LENGTH;

    /** @throws RtpFormatException when the format is not AAC-hbr with 13/3/3-bit AU header fields */
    Mpeg4AudioPacketizer(Format format, RtpPacketWriter writer) {
        super(format, writer);
        String mode = format.fmtpParam("mode");
        if (mode == null || !mode.equalsIgnoreCase("AAC-hbr")
                || Mpeg4AudioDepacketizer.intParam(format, "sizelength", 0) != RtpFormats.AAC_SIZE_LENGTH
                || Mpeg4AudioDepacketizer.intParam(format, "indexlength", 0) != RtpFormats.AAC_INDEX_LENGTH
                || Mpeg4AudioDepacketizer.intParam(format, "indexdeltalength", 0) != RtpFormats.AAC_INDEX_LENGTH) {
            throw new RtpFormatException("unsupported mpeg4-generic fmtp \"" + format.fmtp()
                    + "\" for packetizing: only mode=AAC-hbr with sizelength=13, indexlength=3, indexdeltalength=3");
        }
    }

    /**
     * @param units exactly one raw AAC frame (no ADTS header)
     * @throws RtpPacketException when the frame is empty or larger than {@link #MAX_FRAME_SIZE}
     */
    @Override
    public List<ByteBuf> packetize(List<ByteBuf> units, long rtpTimestamp) {
        ByteBuf frame = RtpPacketWriter.single(units, "AAC");
        int size = frame.readableBytes();
        if (size == 0 || size > MAX_FRAME_SIZE) {
            throw new RtpPacketException("AAC frame of " + size + " bytes outside 1.." + MAX_FRAME_SIZE);
        }
        int maxChunk = MAX_PAYLOAD_SIZE - HEADER_SECTION_SIZE;
        int count = (size + maxChunk - 1) / maxChunk;
        List<ByteBuf> out = new ArrayList<>(count);
        try {
            int off = frame.readerIndex();
            for (int k = 0; k < count; k++) {
                int chunk = Math.min(maxChunk, frame.readerIndex() + size - off);
                ByteBuf p = writer.start(HEADER_SECTION_SIZE + chunk, rtpTimestamp, k == count - 1);
                out.add(p);
                p.writeShort(AU_HEADER_BITS);
                p.writeShort(size << RtpFormats.AAC_INDEX_LENGTH); // AU-index 0
                p.writeBytes(frame, off, chunk);
                off += chunk;
            }
        } catch (RuntimeException | Error e) {
            RtpPacketWriter.releaseAll(out);
            throw e;
        }
        return out;
    }
}
