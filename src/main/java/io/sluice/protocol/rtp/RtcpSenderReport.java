package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * RtcpSenderReport writes the compound RTCP packet a sender emits: a sender report without report
 * blocks followed by an SDES CNAME chunk
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1">RFC 3550 §6.4.1</a>, and §6.1 for
 * why every compound packet carries a CNAME). Parse with {@link RtcpPacket#parseCompound}.
 */
public final class RtcpSenderReport {

    /** Longest CNAME an SDES item can carry (8-bit length). */
    public static final int MAX_CNAME_LENGTH = 255;

    private RtcpSenderReport() {
    }

    /**
     * Writes SR + SDES with an empty CNAME. The caller owns the returned buffer.
     *
     * @param ntpTime64 64-bit NTP time of the moment {@code rtpTimestamp} refers to (see {@link NtpTime})
     */
    public static ByteBuf write(ByteBufAllocator alloc, long ssrc, long ntpTime64, long rtpTimestamp, long packetCount,
                                long octetCount) {
        return write(alloc, ssrc, ntpTime64, rtpTimestamp, packetCount, octetCount, "");
    }

    /** Writes SR + SDES with the given CNAME (at most {@link #MAX_CNAME_LENGTH} UTF-8 bytes). The caller owns the result. */
    public static ByteBuf write(ByteBufAllocator alloc, long ssrc, long ntpTime64, long rtpTimestamp, long packetCount,
                                long octetCount, String cname) {
        byte[] name = cname.getBytes(StandardCharsets.UTF_8);
        ByteBuf b = alloc.buffer(28 + sdesSize(name));
        b.writeByte(0x80); // V=2, P=0, RC=0
        b.writeByte(RtcpPacket.TYPE_SR);
        b.writeShort(28 / 4 - 1);
        b.writeInt((int) ssrc);
        b.writeLong(ntpTime64);
        b.writeInt((int) rtpTimestamp);
        b.writeInt((int) packetCount);
        b.writeInt((int) octetCount);
        writeSdes(b, ssrc, name);
        return b;
    }

    static int sdesSize(byte[] cname) {
        if (cname.length > MAX_CNAME_LENGTH) {
            throw new IllegalArgumentException("CNAME of " + cname.length + " bytes exceeds " + MAX_CNAME_LENGTH);
        }
        // header + ssrc + CNAME item + at least one null octet, padded to 32 bits
        return 4 + ((4 + 2 + cname.length + 1 + 3) & ~3);
    }

    static void writeSdes(ByteBuf b, long ssrc, byte[] cname) {
        int size = sdesSize(cname);
        b.writeByte(0x81); // V=2, P=0, SC=1
        b.writeByte(RtcpPacket.TYPE_SDES);
        b.writeShort(size / 4 - 1);
        b.writeInt((int) ssrc);
        b.writeByte(RtcpPacket.SDES_CNAME);
        b.writeByte(cname.length);
        b.writeBytes(cname);
        b.writeZero(size - 4 - 4 - 2 - cname.length);
    }
}
