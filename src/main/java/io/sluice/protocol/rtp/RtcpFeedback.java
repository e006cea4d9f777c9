package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RtcpFeedback reads and writes the RTCP feedback messages of
 * <a href="https://www.rfc-editor.org/rfc/rfc4585#section-6">RFC 4585 §6</a> that a WebRTC sender
 * acts on: generic NACK (§6.2.1), picture loss indication (§6.3.1), full intra request
 * (<a href="https://www.rfc-editor.org/rfc/rfc5104#section-4.3.1">RFC 5104 §4.3.1</a>) and REMB
 * (<a href="https://datatracker.ietf.org/doc/html/draft-alvestrand-rmcat-remb-03#section-2.2">draft-alvestrand-rmcat-remb-03 §2.2</a>).
 * Each writer returns one packet, sent alone as reduced-size RTCP (RFC 5506) or appended to a compound.
 * Parse with {@link RtcpPacket#parseCompound}; transport-cc and other formats stay {@link RtcpPacket.Other}.
 */
public final class RtcpFeedback {

    /** FMT of a generic NACK (PT 205) and of a PLI (PT 206). */
    public static final int FMT_NACK = 1;
    public static final int FMT_PLI = 1;
    public static final int FMT_FIR = 4;
    /** Application layer feedback (PT 206); REMB is the one Sluice reads. */
    public static final int FMT_AFB = 15;
    /** Most PID/BLP pairs {@link #nack} writes into one packet: 1036 bytes, below any path MTU with SRTCP. */
    public static final int MAX_NACK_ITEMS = 256;
    /** Most SSRCs a REMB can list (8-bit count). */
    public static final int MAX_REMB_SSRCS = 255;

    private static final int HEADER = 12; // common header + sender SSRC + media source SSRC
    private static final int REMB_ID = 0x52454d42; // "REMB"
    private static final int MAX_MANTISSA = 0x3ffff; // 18 bits

    private RtcpFeedback() {
    }

    /**
     * Writes a generic NACK for {@code lost} (0..65535, oldest first), packed into PID/BLP pairs: one
     * pair covers a PID and the 16 numbers after it, across the 65535→0 wrap. Duplicates are dropped.
     * The caller owns the returned buffer.
     *
     * @throws IllegalArgumentException when {@code lost} is empty (a NACK needs one item), holds a
     *     number outside 0..65535, or needs more than {@link #MAX_NACK_ITEMS} pairs
     */
    public static ByteBuf nack(ByteBufAllocator alloc, long senderSsrc, long mediaSsrc, List<Integer> lost) {
        int[] items = pack(lost);
        ByteBuf b = header(alloc, FMT_NACK, RtcpPacket.TYPE_RTPFB, HEADER + 4 * items.length, senderSsrc, mediaSsrc);
        for (int item : items) {
            b.writeInt(item);
        }
        return b;
    }

    /** Writes a picture loss indication. The caller owns the returned buffer. */
    public static ByteBuf pli(ByteBufAllocator alloc, long senderSsrc, long mediaSsrc) {
        return header(alloc, FMT_PLI, RtcpPacket.TYPE_PSFB, HEADER, senderSsrc, mediaSsrc);
    }

    /**
     * Writes a full intra request with one entry. The caller owns the returned buffer.
     *
     * @param seqNr command sequence number (low 8 bits): the same for a repetition, +1 for a new request
     */
    public static ByteBuf fir(ByteBufAllocator alloc, long senderSsrc, long mediaSsrc, int seqNr) {
        // RFC 5104 §4.3.1.2: the common header's media source SSRC is unused and set to 0
        ByteBuf b = header(alloc, FMT_FIR, RtcpPacket.TYPE_PSFB, HEADER + 8, senderSsrc, 0);
        b.writeInt((int) mediaSsrc);
        b.writeInt((seqNr & 0xff) << 24);
        return b;
    }

    /**
     * Writes a REMB; the bitrate is rounded down to its 18-bit mantissa. The caller owns the returned buffer.
     *
     * @throws IllegalArgumentException when the bitrate is negative or there are more than {@link #MAX_REMB_SSRCS} SSRCs
     */
    public static ByteBuf remb(ByteBufAllocator alloc, long senderSsrc, long bitrateBps, List<Long> ssrcs) {
        if (bitrateBps < 0) {
            throw new IllegalArgumentException("negative REMB bitrate " + bitrateBps);
        }
        if (ssrcs.size() > MAX_REMB_SSRCS) {
            throw new IllegalArgumentException("REMB of " + ssrcs.size() + " SSRCs exceeds " + MAX_REMB_SSRCS);
        }
        int exp = 0;
        while ((bitrateBps >>> exp) > MAX_MANTISSA) {
            exp++;
        }
        ByteBuf b = header(alloc, FMT_AFB, RtcpPacket.TYPE_PSFB, HEADER + 8 + 4 * ssrcs.size(), senderSsrc, 0);
        b.writeInt(REMB_ID);
        b.writeByte(ssrcs.size());
        b.writeByte(exp << 2 | (int) (bitrateBps >>> exp >>> 16));
        b.writeShort((int) (bitrateBps >>> exp));
        for (long ssrc : ssrcs) {
            b.writeInt((int) ssrc);
        }
        return b;
    }

    private static ByteBuf header(ByteBufAllocator alloc, int fmt, int type, int size, long senderSsrc, long mediaSsrc) {
        ByteBuf b = alloc.buffer(size);
        b.writeByte(0x80 | fmt);
        b.writeByte(type);
        b.writeShort(size / 4 - 1);
        b.writeInt((int) senderSsrc);
        b.writeInt((int) mediaSsrc);
        return b;
    }

    /** PID/BLP pairs as {@code PID << 16 | BLP}. */
    static int[] pack(List<Integer> lost) {
        if (lost.isEmpty()) {
            throw new IllegalArgumentException("a NACK needs at least one lost sequence number");
        }
        int first = lost.getFirst();
        for (int s : lost) {
            if (s < 0 || s > 0xffff) {
                throw new IllegalArgumentException("invalid RTP sequence number " + s + " in NACK");
            }
        }
        // distance from the first number orders the list across the wrap: 65535 comes before 0
        int[] keys = lost.stream().mapToInt(s -> (s - first) & 0xffff).sorted().distinct().toArray();
        int[] items = new int[keys.length];
        int n = 0;
        for (int i = 0; i < keys.length; ) {
            int pid = keys[i++];
            int blp = 0;
            while (i < keys.length && keys[i] - pid <= 16) {
                blp |= 1 << (keys[i++] - pid - 1);
            }
            items[n++] = ((pid + first) & 0xffff) << 16 | blp;
        }
        if (n > MAX_NACK_ITEMS) {
            throw new IllegalArgumentException("NACK of " + lost.size() + " sequence numbers needs " + n
                    + " PID/BLP pairs, more than " + MAX_NACK_ITEMS);
        }
        return Arrays.copyOf(items, n);
    }

    /** Parses one RTPFB/PSFB packet from {@code off} to {@code end} (padding removed); see {@link RtcpPacket#parseCompound}. */
    static RtcpPacket parse(ByteBuf b, int off, int end, int type, int fmt, int length, int base) {
        int fci = end - off - HEADER;
        boolean known = type == RtcpPacket.TYPE_RTPFB ? fmt == FMT_NACK : fmt == FMT_PLI || fmt == FMT_FIR || fmt == FMT_AFB;
        if (!known) {
            return new RtcpPacket.Other(type, fmt, length);
        }
        if (fci < 0) {
            throw new RtpPacketException("RTCP feedback PT " + type + " FMT " + fmt + " at offset " + (off - base)
                    + " has " + (end - off) + " bytes, its header needs " + HEADER);
        }
        long sender = b.getUnsignedInt(off + 4);
        long media = b.getUnsignedInt(off + 8);
        int p = off + HEADER;
        if (type == RtcpPacket.TYPE_RTPFB) {
            if (fci == 0) {
                // an empty NACK asks for nothing; it stays Other as it always parsed
                return new RtcpPacket.Other(type, fmt, length);
            }
            fciMultiple(fci, 4, "NACK", off, base);
            List<Integer> lost = new ArrayList<>(fci / 4 * 2);
            for (; p < end; p += 4) {
                int pid = b.getUnsignedShort(p);
                int blp = b.getUnsignedShort(p + 2);
                lost.add(pid);
                for (int i = 0; i < 16; i++) {
                    if ((blp & 1 << i) != 0) {
                        lost.add((pid + i + 1) & 0xffff);
                    }
                }
            }
            return new RtcpPacket.Nack(sender, media, lost);
        }
        return switch (fmt) {
            case FMT_PLI -> {
                if (fci != 0) {
                    throw new RtpPacketException("RTCP PLI at offset " + (off - base) + " has " + fci
                            + " bytes of FCI, RFC 4585 §6.3.1 allows none");
                }
                yield new RtcpPacket.Pli(sender, media);
            }
            case FMT_FIR -> {
                fciMultiple(fci, 8, "FIR", off, base);
                List<RtcpPacket.FirEntry> entries = new ArrayList<>(fci / 8);
                for (; p < end; p += 8) {
                    entries.add(new RtcpPacket.FirEntry(b.getUnsignedInt(p), b.getUnsignedByte(p + 4)));
                }
                yield new RtcpPacket.Fir(sender, entries);
            }
            default -> parseAfb(b, off, end, fci, sender, length, base);
        };
    }

    private static RtcpPacket parseAfb(ByteBuf b, int off, int end, int fci, long sender, int length, int base) {
        int p = off + HEADER;
        if (fci < 4 || b.getInt(p) != REMB_ID) {
            return new RtcpPacket.Other(RtcpPacket.TYPE_PSFB, FMT_AFB, length);
        }
        int num = fci >= 8 ? b.getUnsignedByte(p + 4) : -1;
        if (num < 0 || fci != 8 + 4 * num) {
            throw new RtpPacketException("RTCP REMB at offset " + (off - base) + " has " + fci
                    + " bytes of FCI" + (num < 0 ? ", needs at least 8" : ", its " + num + " SSRCs need " + (8 + 4 * num)));
        }
        int exp = b.getUnsignedByte(p + 5) >> 2;
        long mantissa = b.getUnsignedMedium(p + 5) & MAX_MANTISSA;
        // a 6-bit exponent can shift the mantissa past 63 bits; saturate instead of wrapping negative
        long bitrate = mantissa == 0 ? 0 : exp >= Long.numberOfLeadingZeros(mantissa) ? Long.MAX_VALUE : mantissa << exp;
        List<Long> ssrcs = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            ssrcs.add(b.getUnsignedInt(p + 8 + 4 * i));
        }
        return new RtcpPacket.Remb(sender, bitrate, ssrcs);
    }

    private static void fciMultiple(int fci, int entry, String what, int off, int base) {
        if (fci == 0 || fci % entry != 0) {
            throw new RtpPacketException("RTCP " + what + " at offset " + (off - base) + " has " + fci
                    + " bytes of FCI, expected a positive multiple of " + entry);
        }
    }
}
