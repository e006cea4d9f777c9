package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.Format;

import java.util.ArrayList;
import java.util.List;

/**
 * G711Packetizer puts G.711 µ-law or A-law samples into RTP packets
 * (<a href="https://www.rfc-editor.org/rfc/rfc3551#section-4.5.14">RFC 3551 §4.5.14</a>). See
 * {@link Packetizer} for ownership.
 *
 * <p>G.711 has no frames: every byte is one sample of one channel, so a unit larger than a packet is
 * split anywhere on a sample boundary, each packet's timestamp advanced by the samples before it.
 * The marker bit stays 0: RFC 3551 §4.1 sets it after silence suppression, which is not signalled here.
 */
final class G711Packetizer extends WriterPacketizer {

    /** Bytes per sampling instant: one per channel. */
    private final int frameSize;

    G711Packetizer(Format format, RtpPacketWriter writer) {
        super(format, writer);
        this.frameSize = Math.max(1, format.channels());
    }

    /**
     * @param units exactly one buffer of samples, interleaved when there are several channels
     * @throws RtpPacketException when its size is not a whole number of sampling instants
     */
    @Override
    public List<ByteBuf> packetize(List<ByteBuf> units, long rtpTimestamp) {
        ByteBuf samples = RtpPacketWriter.single(units, format.encodingName());
        int size = samples.readableBytes();
        if (size % frameSize != 0) {
            throw new RtpPacketException(format.encodingName() + " unit of " + size + " bytes is not a multiple of "
                    + frameSize + " channels");
        }
        int maxChunk = MAX_PAYLOAD_SIZE / frameSize * frameSize;
        List<ByteBuf> out = new ArrayList<>(size / maxChunk + 1);
        try {
            for (int done = 0; done < size; done += maxChunk) {
                int chunk = Math.min(maxChunk, size - done);
                ByteBuf p = writer.start(chunk, rtpTimestamp + done / frameSize, false);
                out.add(p);
                p.writeBytes(samples, samples.readerIndex() + done, chunk);
            }
        } catch (RuntimeException | Error e) {
            RtpPacketWriter.releaseAll(out);
            throw e;
        }
        return out;
    }
}
