package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.Format;

import java.util.List;

/**
 * OpusPacketizer puts each Opus packet into one RTP packet
 * (<a href="https://www.rfc-editor.org/rfc/rfc7587#section-4.2">RFC 7587 §4.2</a>). See
 * {@link Packetizer} for ownership.
 *
 * <p>The marker bit stays 0: RFC 7587 §4.1 sets it only on the first packet after a DTX pause, which a
 * source that is not RTP does not signal. An Opus packet cannot be split across RTP packets, so one
 * larger than {@link #MAX_PAYLOAD_SIZE} is rejected rather than sent as a datagram the network would
 * fragment. Encoders at their usual settings (20 ms frames, which are at most 1275 bytes even at
 * 510 kbit/s) never produce one.
 */
final class OpusPacketizer extends WriterPacketizer {

    OpusPacketizer(Format format, RtpPacketWriter writer) {
        super(format, writer);
    }

    /**
     * @param units exactly one Opus packet
     * @throws RtpPacketException when it is empty or larger than {@link #MAX_PAYLOAD_SIZE}
     */
    @Override
    public List<ByteBuf> packetize(List<ByteBuf> units, long rtpTimestamp) {
        ByteBuf packet = RtpPacketWriter.single(units, "Opus");
        int size = packet.readableBytes();
        if (size == 0 || size > MAX_PAYLOAD_SIZE) {
            throw new RtpPacketException("Opus packet of " + size + " bytes outside 1.." + MAX_PAYLOAD_SIZE
                    + " (it cannot be fragmented)");
        }
        ByteBuf p = writer.start(size, rtpTimestamp, false);
        p.writeBytes(packet, packet.readerIndex(), size);
        return List.of(p);
    }
}
