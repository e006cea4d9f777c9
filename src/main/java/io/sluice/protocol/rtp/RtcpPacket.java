package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RtcpPacket is one simple RTCP packet of a compound packet
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-6">RFC 3550 §6</a>): a sender report,
 * a receiver report, source descriptions, a goodbye, the feedback messages WebRTC peers exchange
 * (generic NACK, PLI, FIR, REMB; see {@link RtcpFeedback}), or any other type kept as type and length.
 */
public sealed interface RtcpPacket {

    /** RTCP packet types (RFC 3550 §12.1). */
    int TYPE_SR = 200;
    int TYPE_RR = 201;
    int TYPE_SDES = 202;
    int TYPE_BYE = 203;
    /** Transport-layer feedback (RFC 4585 §6.2): generic NACK, transport-cc. */
    int TYPE_RTPFB = 205;
    /** Payload-specific feedback (RFC 4585 §6.3): PLI, FIR, REMB. */
    int TYPE_PSFB = 206;
    /** SDES item type of the canonical name (RFC 3550 §6.5.1). */
    int SDES_CNAME = 1;

    /** Most report blocks a packet can carry: the 5-bit count field. */
    int MAX_REPORT_BLOCKS = 31;

    /**
     * Sender report (RFC 3550 §6.4.1).
     *
     * @param ntpTime 64-bit NTP timestamp, see {@link NtpTime}
     */
    record SenderReport(long ssrc, long ntpTime, long rtpTimestamp, long packetCount, long octetCount,
                        List<ReportBlock> reports) implements RtcpPacket {
        public SenderReport {
            reports = List.copyOf(reports);
        }
    }

    /** Receiver report (RFC 3550 §6.4.2). */
    record ReceiverReport(long ssrc, List<ReportBlock> reports) implements RtcpPacket {
        public ReceiverReport {
            reports = List.copyOf(reports);
        }
    }

    /**
     * One reception report block (RFC 3550 §6.4.1).
     *
     * @param fractionLost lost fraction since the last report, in 1/256
     * @param cumulativeLost signed 24-bit count of lost packets
     * @param highestSeq extended highest sequence number received
     * @param jitter interarrival jitter in timestamp units
     * @param lsr middle 32 bits of the last SR's NTP time, 0 if none
     * @param dlsr delay since that SR in 1/65536 s
     */
    record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long highestSeq, long jitter, long lsr,
                       long dlsr) {
    }

    /** Source descriptions (RFC 3550 §6.5): one chunk per source. */
    record SourceDescription(List<SdesChunk> chunks) implements RtcpPacket {
        public SourceDescription {
            chunks = List.copyOf(chunks);
        }
    }

    /** One SDES chunk; {@code cname} is "" when the chunk has no CNAME item. Other items are skipped. */
    record SdesChunk(long ssrc, String cname) {
    }

    /** Goodbye (RFC 3550 §6.6); {@code reason} is "" when absent. */
    record Bye(List<Long> ssrcs, String reason) implements RtcpPacket {
        public Bye {
            ssrcs = List.copyOf(ssrcs);
        }
    }

    /**
     * Generic NACK (RFC 4585 §6.2.1): the media sender should resend these packets.
     *
     * @param lostSequences the sequence numbers of every PID/BLP pair, expanded, in packet order
     */
    record Nack(long senderSsrc, long mediaSsrc, List<Integer> lostSequences) implements RtcpPacket {
        public Nack {
            lostSequences = List.copyOf(lostSequences);
        }
    }

    /** Picture loss indication (RFC 4585 §6.3.1): the receiver needs a keyframe. */
    record Pli(long senderSsrc, long mediaSsrc) implements RtcpPacket {
    }

    /** Full intra request (RFC 5104 §4.3.1): the listed media senders should send a keyframe. */
    record Fir(long senderSsrc, List<FirEntry> entries) implements RtcpPacket {
        public Fir {
            entries = List.copyOf(entries);
        }
    }

    /**
     * One FIR entry; a repeated request keeps its {@code seqNr}, a new request increments it.
     *
     * @param seqNr 8-bit command sequence number
     */
    record FirEntry(long ssrc, int seqNr) {
    }

    /**
     * Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03 §2.2).
     *
     * @param bitrateBps mantissa × 2^exponent, saturated at {@link Long#MAX_VALUE}
     * @param ssrcs the media sources the estimate applies to
     */
    record Remb(long senderSsrc, long bitrateBps, List<Long> ssrcs) implements RtcpPacket {
        public Remb {
            ssrcs = List.copyOf(ssrcs);
        }
    }

    /**
     * Any other packet type (APP, XR, transport-cc, other feedback, ...), kept as its header fields.
     *
     * @param count the 5-bit count/format field
     * @param length the packet length in bytes including its header
     */
    record Other(int type, int count, int length) implements RtcpPacket {
    }

    /**
     * Parses a compound RTCP packet from {@code readerIndex} to {@code writerIndex} without changing the
     * buffer's indexes.
     *
     * <p>Validation follows RFC 3550 §A.2 except that the first packet need not be SR or RR:
     * reduced-size RTCP (RFC 5506, used by WebRTC peers) sends feedback packets alone.
     *
     * @throws RtpPacketException when a header, a length or a padding is invalid
     */
    static List<RtcpPacket> parseCompound(ByteBuf buf) {
        List<RtcpPacket> out = new ArrayList<>(2);
        int base = buf.readerIndex();
        int end = buf.writerIndex();
        int off = base;
        if (off == end) {
            throw new RtpPacketException("empty RTCP packet");
        }
        while (off < end) {
            if (end - off < 4) {
                throw new RtpPacketException("truncated RTCP header at offset " + (off - base));
            }
            int b0 = buf.getUnsignedByte(off);
            if (b0 >> 6 != RtpHeader.VERSION) {
                throw new RtpPacketException("invalid RTCP version " + (b0 >> 6) + " at offset " + (off - base));
            }
            int type = buf.getUnsignedByte(off + 1);
            int length = 4 * (buf.getUnsignedShort(off + 2) + 1);
            if (length > end - off) {
                throw new RtpPacketException("RTCP length " + length + " at offset " + (off - base)
                        + " exceeds the " + (end - off) + " remaining bytes");
            }
            int bodyEnd = off + length;
            if ((b0 & 0x20) != 0) {
                // only the last packet of a compound may be padded (RFC 3550 §6.4.1 "padding")
                int pad = buf.getUnsignedByte(bodyEnd - 1);
                if (bodyEnd != end || pad == 0 || pad > length - 4) {
                    throw new RtpPacketException("invalid RTCP padding " + pad + " at offset " + (bodyEnd - 1 - base));
                }
                bodyEnd -= pad;
            }
            int count = b0 & 0x1f;
            out.add(switch (type) {
                case TYPE_SR -> parseSr(buf, off, bodyEnd, count, base);
                case TYPE_RR -> parseRr(buf, off, bodyEnd, count, base);
                case TYPE_SDES -> parseSdes(buf, off, bodyEnd, count, base);
                case TYPE_BYE -> parseBye(buf, off, bodyEnd, count, base);
                case TYPE_RTPFB, TYPE_PSFB -> RtcpFeedback.parse(buf, off, bodyEnd, type, count, length, base);
                default -> new Other(type, count, length);
            });
            off += length;
        }
        return out;
    }

    private static SenderReport parseSr(ByteBuf b, int off, int end, int count, int base) {
        need(b, off, end, 28 + 24 * count, "SR", base);
        return new SenderReport(b.getUnsignedInt(off + 4), b.getLong(off + 8), b.getUnsignedInt(off + 16),
                b.getUnsignedInt(off + 20), b.getUnsignedInt(off + 24), blocks(b, off + 28, count));
    }

    private static ReceiverReport parseRr(ByteBuf b, int off, int end, int count, int base) {
        need(b, off, end, 8 + 24 * count, "RR", base);
        return new ReceiverReport(b.getUnsignedInt(off + 4), blocks(b, off + 8, count));
    }

    private static void need(ByteBuf b, int off, int end, int size, String what, int base) {
        if (end - off < size) {
            throw new RtpPacketException("RTCP " + what + " at offset " + (off - base) + " has " + (end - off)
                    + " bytes, its count needs " + size);
        }
    }

    private static List<ReportBlock> blocks(ByteBuf b, int off, int count) {
        List<ReportBlock> l = new ArrayList<>(count);
        for (int i = 0; i < count; i++, off += 24) {
            // cumulative lost is a signed 24-bit number
            int lost = (b.getInt(off + 4) << 8) >> 8;
            l.add(new ReportBlock(b.getUnsignedInt(off), b.getUnsignedByte(off + 4), lost, b.getUnsignedInt(off + 8),
                    b.getUnsignedInt(off + 12), b.getUnsignedInt(off + 16), b.getUnsignedInt(off + 20)));
        }
        return l;
    }

    private static SourceDescription parseSdes(ByteBuf b, int off, int end, int count, int base) {
        List<SdesChunk> chunks = new ArrayList<>(count);
        int p = off + 4;
        for (int i = 0; i < count; i++) {
            if (end - p < 4) {
                throw new RtpPacketException("truncated SDES chunk " + i + " at offset " + (p - base));
            }
            long ssrc = b.getUnsignedInt(p);
            p += 4;
            String cname = "";
            while (true) {
                if (p >= end) {
                    throw new RtpPacketException("SDES chunk " + i + " has no end item at offset " + (p - base));
                }
                int item = b.getUnsignedByte(p);
                if (item == 0) {
                    // the null item ends the chunk, which is then padded to a 32-bit boundary
                    p = off + ((p - off) / 4 + 1) * 4;
                    break;
                }
                if (end - p < 2 || end - p - 2 < b.getUnsignedByte(p + 1)) {
                    throw new RtpPacketException("SDES item " + item + " at offset " + (p - base) + " overruns its packet");
                }
                int len = b.getUnsignedByte(p + 1);
                if (item == SDES_CNAME) {
                    cname = b.toString(p + 2, len, StandardCharsets.UTF_8);
                }
                p += 2 + len;
            }
            chunks.add(new SdesChunk(ssrc, cname));
        }
        return new SourceDescription(chunks);
    }

    private static Bye parseBye(ByteBuf b, int off, int end, int count, int base) {
        need(b, off, end, 4 + 4 * count, "BYE", base);
        List<Long> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(b.getUnsignedInt(off + 4 + 4 * i));
        }
        int p = off + 4 + 4 * count;
        String reason = "";
        if (p < end) {
            int len = b.getUnsignedByte(p);
            if (len > end - p - 1) {
                throw new RtpPacketException("BYE reason length " + len + " at offset " + (p - base) + " overruns its packet");
            }
            reason = b.toString(p + 1, len, StandardCharsets.UTF_8);
        }
        return new Bye(ssrcs, reason);
    }
}
