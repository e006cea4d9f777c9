package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.Format;

import java.util.ArrayList;
import java.util.List;

/**
 * NaluPacketizer puts the NAL units of H.264 and H.265 access units into RTP packets, the inverse of
 * {@link NaluAssembler}: consecutive small NAL units share one aggregation packet (typically VPS, SPS,
 * PPS and SEI before a keyframe), a NAL unit that fits alone goes into a single NAL unit packet, and a
 * larger one is cut into fragmentation units
 * (<a href="https://www.rfc-editor.org/rfc/rfc6184#section-6.3">RFC 6184 §6.3</a> non-interleaved mode,
 * <a href="https://www.rfc-editor.org/rfc/rfc7798#section-4.4">RFC 7798 §4.4</a>).
 * The codec-specific headers come from its {@link NalUnitSyntax}. See {@link Packetizer} for ownership.
 *
 * <p>Aggregation is limited to the NAL units of one access unit (STAP-A and AP are single-time) and
 * never reorders them: decoding order is transmission order in these modes.
 */
final class NaluPacketizer extends WriterPacketizer {

    /**
     * Largest NAL unit accepted. Receivers, {@link NaluAssembler} included, drop larger ones, so sending
     * them would only waste bandwidth.
     */
    static final int MAX_NALU_SIZE = NaluAssembler.MAX_NALU_SIZE;
    /** Size prefix of each NAL unit in an aggregation packet. */
    private static final int AGGREGATED_SIZE_FIELD = 2;

    private final NalUnitSyntax syntax;

    NaluPacketizer(Format format, NalUnitSyntax syntax, RtpPacketWriter writer) {
        super(format, writer);
        this.syntax = syntax;
    }

    /** @throws RtpPacketException when a NAL unit is no longer than its header, too large or an RTP packet type */
    @Override
    public List<ByteBuf> packetize(List<ByteBuf> nalus, long rtpTimestamp) {
        for (int i = 0; i < nalus.size(); i++) {
            check(nalus.get(i), i);
        }
        List<ByteBuf> out = new ArrayList<>(nalus.size());
        try {
            int i = 0;
            while (i < nalus.size()) {
                int end = aggregationEnd(nalus, i);
                if (end - i >= 2) {
                    aggregate(nalus, i, end, rtpTimestamp, end == nalus.size(), out);
                    i = end;
                } else if (nalus.get(i).readableBytes() <= MAX_PAYLOAD_SIZE) {
                    ByteBuf n = nalus.get(i);
                    ByteBuf p = writer.start(n.readableBytes(), rtpTimestamp, i == nalus.size() - 1);
                    p.writeBytes(n, n.readerIndex(), n.readableBytes());
                    out.add(p);
                    i++;
                } else {
                    fragment(nalus.get(i), rtpTimestamp, i == nalus.size() - 1, out);
                    i++;
                }
            }
        } catch (RuntimeException | Error e) {
            RtpPacketWriter.releaseAll(out);
            throw e;
        }
        return out;
    }

    private void check(ByteBuf nalu, int index) {
        int len = nalu.readableBytes();
        if (len <= syntax.headerSize) {
            throw new RtpPacketException(syntax + " NAL unit " + index + " of " + len + " bytes has no payload");
        }
        if (len > MAX_NALU_SIZE) {
            throw new RtpPacketException(syntax + " NAL unit " + index + " of " + len + " bytes exceeds " + MAX_NALU_SIZE);
        }
        if (syntax.isPacketizationType(nalu)) {
            throw new RtpPacketException(syntax + " NAL unit " + index + " has the RTP packetization type of header 0x"
                    + Integer.toHexString(nalu.getUnsignedByte(nalu.readerIndex())) + " (stream already packetized?)");
        }
    }

    /** The end (exclusive) of the run of NAL units from {@code from} that fits into one aggregation packet. */
    private int aggregationEnd(List<ByteBuf> nalus, int from) {
        int size = syntax.headerSize;
        int end = from;
        while (end < nalus.size() && size + AGGREGATED_SIZE_FIELD + nalus.get(end).readableBytes() <= MAX_PAYLOAD_SIZE) {
            size += AGGREGATED_SIZE_FIELD + nalus.get(end).readableBytes();
            end++;
        }
        return end;
    }

    private void aggregate(List<ByteBuf> nalus, int from, int to, long ts, boolean last, List<ByteBuf> out) {
        int size = syntax.headerSize;
        for (int i = from; i < to; i++) {
            size += AGGREGATED_SIZE_FIELD + nalus.get(i).readableBytes();
        }
        ByteBuf p = writer.start(size, ts, last);
        out.add(p);
        syntax.writeAggregationHeader(p, nalus, from, to);
        for (int i = from; i < to; i++) {
            ByteBuf n = nalus.get(i);
            p.writeShort(n.readableBytes());
            p.writeBytes(n, n.readerIndex(), n.readableBytes());
        }
    }

    /**
     * Cuts one NAL unit into fragments of nearly equal size rather than full ones and a small remainder:
     * the packet count is the same, and no tiny trailing packet costs a header for a few bytes.
     */
    private void fragment(ByteBuf nalu, long ts, boolean lastOfUnit, List<ByteBuf> out) {
        int off = nalu.readerIndex() + syntax.headerSize;
        int data = nalu.readableBytes() - syntax.headerSize;
        int maxChunk = MAX_PAYLOAD_SIZE - syntax.fragmentHeaderSize();
        int count = (data + maxChunk - 1) / maxChunk;
        for (int k = 0; k < count; k++) {
            int chunk = data / count + (k < data % count ? 1 : 0);
            boolean end = k == count - 1;
            ByteBuf p = writer.start(syntax.fragmentHeaderSize() + chunk, ts, end && lastOfUnit);
            out.add(p);
            syntax.writeFragmentHeader(p, nalu, k == 0, end);
            p.writeBytes(nalu, off, chunk);
            off += chunk;
        }
    }
}
