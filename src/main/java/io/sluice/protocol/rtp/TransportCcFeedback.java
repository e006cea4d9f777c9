package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * TransportCcFeedback writes one transport-wide congestion control feedback packet
 * (<a href="https://datatracker.ietf.org/doc/html/draft-holmer-rmcat-transport-wide-cc-extensions-01#section-3.1">draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1</a>,
 * RTCP RTPFB FMT 15): for a run of transport-wide sequence numbers, which packets arrived and when. A
 * sender's delay-based estimator (Chromium's GoogCC, OBS's libwebrtc) needs these arrival times to raise
 * its bitrate; without them it stays at its start value.
 *
 * <p>Fill one with {@link #add} in increasing sequence order (gaps are reported as "not received") until
 * it refuses a packet, then {@link #write} it and start the next one at the refused packet. Arrival
 * times are in {@link #DELTA_TICK_MICROS} ticks since any fixed epoch, so that the reference time
 * (64 ms units) and the deltas (250 µs units) add up exactly, as the receiver rebuilds them.
 *
 * <p>Status chunks are chosen greedily: a run-length chunk for 14 or more equal symbols (or 7 or more
 * where a 2-bit vector would be needed), a one-bit status vector when the next 14 symbols need no large
 * delta, else a two-bit vector of 7. Not thread-safe; one instance per packet.
 */
public final class TransportCcFeedback {
    public static final int FMT = 15;
    /** Receive deltas are in multiples of 250 µs. */
    public static final long DELTA_TICK_MICROS = 250;
    /** The reference time is in multiples of 64 ms = 256 delta ticks. */
    public static final int TICKS_PER_REFERENCE = 256;
    /** Status symbols (§3.1.1). */
    public static final int NOT_RECEIVED = 0;
    public static final int SMALL_DELTA = 1;
    public static final int LARGE_DELTA = 2;
    /** Keeps one packet well below any path MTU with SRTCP's overhead. */
    static final int MAX_SIZE = 1200;
    /** 13-bit run length of a run-length chunk. */
    static final int MAX_RUN = 0x1fff;
    private static final int HEADER = 20; // common header, two SSRCs, base seq + count, reference time + fb count
    private static final int MAX_COUNT = 0xffff;

    private final int baseSeq;
    private final long referenceTicks;
    /** One status symbol per sequence number from {@link #baseSeq}. */
    private byte[] symbols = new byte[64];
    private int count;
    /** Receive deltas of the received packets, in ticks. */
    private int[] deltas = new int[32];
    private int received;
    private int deltaBytes;
    private long lastTicks;

    /**
     * @param baseSeq the transport-wide sequence number of the first packet it describes (0..65535)
     * @param firstArrivalTicks arrival of the first received packet; the reference time is that, rounded
     *     down to 64 ms
     */
    public TransportCcFeedback(int baseSeq, long firstArrivalTicks) {
        if (baseSeq < 0 || baseSeq > 0xffff) {
            throw new IllegalArgumentException("invalid transport-wide sequence number " + baseSeq);
        }
        if (firstArrivalTicks < 0) {
            throw new IllegalArgumentException("negative arrival time " + firstArrivalTicks + " ticks");
        }
        this.baseSeq = baseSeq;
        this.referenceTicks = Math.floorDiv(firstArrivalTicks, TICKS_PER_REFERENCE) * TICKS_PER_REFERENCE;
        this.lastTicks = referenceTicks;
    }

    /**
     * Adds a received packet; the sequence numbers between the last added one and {@code seq} are
     * reported as not received.
     *
     * @param seqOffset how far the packet's sequence number is from the base (0 for the base itself),
     *     increasing from call to call
     * @param arrivalTicks its arrival in {@link #DELTA_TICK_MICROS} ticks
     * @return false, leaving this packet unchanged, when the packet does not fit: its delta from the
     *     previous arrival needs more than 16 signed bits, or the packet would outgrow {@link #MAX_SIZE}
     *     or 65535 statuses
     */
    public boolean add(int seqOffset, long arrivalTicks) {
        if (seqOffset < count) {
            throw new IllegalArgumentException("sequence offset " + seqOffset + " not after the last one ("
                    + (count - 1) + ")");
        }
        long delta = arrivalTicks - lastTicks;
        if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE || seqOffset >= MAX_COUNT) {
            return false;
        }
        int symbol = delta >= 0 && delta <= 0xff ? SMALL_DELTA : LARGE_DELTA;
        // worst case of what the chunks can take: 2 bytes per 7 statuses, rounded up, plus padding
        int statusBytes = 2 * ((seqOffset + 1 + 6) / 7);
        if (HEADER + statusBytes + deltaBytes + symbol + 3 > MAX_SIZE) {
            return false;
        }
        if (seqOffset + 1 > symbols.length) {
            symbols = Arrays.copyOf(symbols, Math.max(symbols.length * 2, seqOffset + 1));
        }
        Arrays.fill(symbols, count, seqOffset, (byte) NOT_RECEIVED);
        symbols[seqOffset] = (byte) symbol;
        count = seqOffset + 1;
        if (received == deltas.length) {
            deltas = Arrays.copyOf(deltas, deltas.length * 2);
        }
        deltas[received++] = (int) delta;
        deltaBytes += symbol;
        lastTicks = arrivalTicks;
        return true;
    }

    /** Packets described so far (received or not). */
    public int statusCount() {
        return count;
    }

    /** Received packets added so far. */
    public int receivedCount() {
        return received;
    }

    /** The reference time field: 24 bits of 64 ms units. */
    public int referenceTime() {
        return (int) ((referenceTicks / TICKS_PER_REFERENCE) & 0xffffff);
    }

    /**
     * Writes the packet; the caller owns the returned buffer. Padded to 32 bits as libwebrtc does it: the
     * P bit set and the last byte holding the padding length.
     *
     * @param feedbackCount the 8-bit feedback packet count, +1 per packet sent
     * @throws IllegalStateException when nothing was added
     */
    public ByteBuf write(ByteBufAllocator alloc, long senderSsrc, long mediaSsrc, int feedbackCount) {
        if (received == 0) {
            throw new IllegalStateException("a transport-cc feedback needs at least one received packet");
        }
        List<Integer> chunks = chunks();
        int unpadded = HEADER + 2 * chunks.size() + deltaBytes;
        int padding = (4 - unpadded % 4) % 4;
        int size = unpadded + padding;
        ByteBuf b = alloc.buffer(size);
        b.writeByte(0x80 | (padding > 0 ? 0x20 : 0) | FMT);
        b.writeByte(RtcpPacket.TYPE_RTPFB);
        b.writeShort(size / 4 - 1);
        b.writeInt((int) senderSsrc);
        b.writeInt((int) mediaSsrc);
        b.writeShort(baseSeq);
        b.writeShort(count);
        b.writeMedium(referenceTime());
        b.writeByte(feedbackCount & 0xff);
        for (int chunk : chunks) {
            b.writeShort(chunk);
        }
        for (int i = 0; i < received; i++) {
            if (deltas[i] >= 0 && deltas[i] <= 0xff) {
                b.writeByte(deltas[i]);
            } else {
                b.writeShort(deltas[i]);
            }
        }
        if (padding > 0) {
            b.writeZero(padding - 1);
            b.writeByte(padding);
        }
        return b;
    }

    /** The packet status chunks, each as a 16-bit value. */
    List<Integer> chunks() {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        while (i < count) {
            int run = 1;
            while (i + run < count && run < MAX_RUN && symbols[i + run] == symbols[i]) {
                run++;
            }
            int oneBit = 0;
            while (oneBit < 14 && i + oneBit < count && symbols[i + oneBit] != LARGE_DELTA) {
                oneBit++;
            }
            boolean oneBitFits = oneBit == 14 || i + oneBit == count;
            if (run >= 14 || run == count - i || (!oneBitFits && run >= 7)) {
                out.add(symbols[i] << 13 | run);
                i += run;
            } else if (oneBitFits) {
                int chunk = 0x8000;
                for (int k = 0; k < oneBit; k++) {
                    chunk |= symbols[i + k] << (13 - k);
                }
                out.add(chunk);
                i += 14;
            } else {
                int chunk = 0xc000;
                for (int k = 0; k < 7 && i + k < count; k++) {
                    chunk |= symbols[i + k] << (12 - 2 * k);
                }
                out.add(chunk);
                i += 7;
            }
        }
        return out;
    }

    /**
     * What a feedback packet says (see {@link #parse}).
     *
     * @param arrivalTicks per sequence number from {@code baseSeq}: the arrival in ticks since the epoch
     *     of the reference time (reference × 256 + the deltas so far), or -1 for "not received"
     */
    public record Report(long senderSsrc, long mediaSsrc, int baseSeq, int referenceTime, int feedbackCount,
            long[] arrivalTicks) {
    }

    /**
     * Reads one transport-cc feedback packet (one RTCP packet, the reader index at its header), as a
     * sender does; for tests and for reading a remote receiver's feedback.
     *
     * @throws RtpPacketException when the packet is not RTPFB FMT 15 or its chunks or deltas run past its end
     */
    public static Report parse(ByteBuf b) {
        int at = b.readerIndex();
        if (b.readableBytes() < 2) {
            throw new RtpPacketException("transport-cc feedback of " + b.readableBytes() + " bytes, needs " + HEADER);
        }
        int b0 = b.getUnsignedByte(at);
        if ((b0 & 0x1f) != FMT || b.getUnsignedByte(at + 1) != RtcpPacket.TYPE_RTPFB) {
            throw new RtpPacketException("not a transport-cc feedback: PT " + b.getUnsignedByte(at + 1) + " FMT "
                    + (b0 & 0x1f));
        }
        if (b.readableBytes() < HEADER) {
            throw new RtpPacketException("transport-cc feedback of " + b.readableBytes() + " bytes, needs " + HEADER);
        }
        int end = at + 4 * (b.getUnsignedShort(at + 2) + 1);
        if (end > b.writerIndex()) {
            throw new RtpPacketException("transport-cc feedback length " + (end - at) + " exceeds the "
                    + b.readableBytes() + " bytes available");
        }
        if ((b0 & 0x20) != 0) {
            end -= b.getUnsignedByte(end - 1);
        }
        int baseSeq = b.getUnsignedShort(at + 12);
        int n = b.getUnsignedShort(at + 14);
        int reference = b.getUnsignedMedium(at + 16);
        int[] status = new int[n];
        int p = at + HEADER;
        for (int i = 0; i < n; p += 2) {
            if (p + 2 > end) {
                throw new RtpPacketException("transport-cc chunks end at offset " + (p - at) + " after " + i
                        + " of " + n + " statuses");
            }
            int chunk = b.getUnsignedShort(p);
            if ((chunk & 0x8000) == 0) {
                for (int k = 0; k < (chunk & MAX_RUN) && i < n; k++) {
                    status[i++] = chunk >> 13 & 3;
                }
            } else if ((chunk & 0x4000) == 0) {
                for (int k = 0; k < 14 && i < n; k++) {
                    status[i++] = chunk >> (13 - k) & 1;
                }
            } else {
                for (int k = 0; k < 7 && i < n; k++) {
                    status[i++] = chunk >> (12 - 2 * k) & 3;
                }
            }
        }
        long[] arrivals = new long[n];
        long t = (long) reference * TICKS_PER_REFERENCE;
        for (int i = 0; i < n; i++) {
            int size = status[i] == SMALL_DELTA ? 1 : status[i] == LARGE_DELTA ? 2 : 0;
            if (p + size > end) {
                throw new RtpPacketException("transport-cc deltas end at offset " + (p - at) + " before status " + i);
            }
            if (size == 0) {
                arrivals[i] = -1;
                continue;
            }
            t += size == 1 ? b.getUnsignedByte(p) : b.getShort(p);
            arrivals[i] = t;
            p += size;
        }
        return new Report(b.getUnsignedInt(at + 4), b.getUnsignedInt(at + 8), baseSeq, reference,
                b.getUnsignedByte(at + 19), arrivals);
    }

    /**
     * The transport-cc feedbacks of a compound RTCP packet (reader to writer index, unchanged), in order;
     * the other packets are skipped by their length. {@link RtcpPacket#parseCompound} keeps transport-cc
     * as {@link RtcpPacket.Other}, so that a bad one does not cost the reports and NACKs beside it; a
     * sender that wants the feedback reads it here.
     *
     * @throws RtpPacketException when a packet's header or length is invalid, or a transport-cc packet is
     */
    public static List<Report> inCompound(ByteBuf compound) {
        List<Report> out = new ArrayList<>(1);
        int off = compound.readerIndex();
        int end = compound.writerIndex();
        while (off < end) {
            if (end - off < 4) {
                throw new RtpPacketException("truncated RTCP header at offset " + (off - compound.readerIndex()));
            }
            int b0 = compound.getUnsignedByte(off);
            int length = 4 * (compound.getUnsignedShort(off + 2) + 1);
            if (b0 >> 6 != RtpHeader.VERSION || length > end - off) {
                throw new RtpPacketException("invalid RTCP packet (version " + (b0 >> 6) + ", length " + length
                        + ") at offset " + (off - compound.readerIndex()));
            }
            if ((b0 & 0x1f) == FMT && compound.getUnsignedByte(off + 1) == RtcpPacket.TYPE_RTPFB) {
                out.add(parse(compound.slice(off, length)));
            }
            off += length;
        }
        return out;
    }
}
