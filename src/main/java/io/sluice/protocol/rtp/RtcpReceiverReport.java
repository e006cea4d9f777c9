package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * RtcpReceiverReport writes the compound RTCP packet a receiver sends about one source: a receiver
 * report with one report block followed by an SDES CNAME chunk
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2">RFC 3550 §6.4.2</a>); an RTSP
 * server sends it to UDP publishers, some of which stop sending without it.
 * {@link RtpSequenceTracker} provides the loss fields.
 */
public final class RtcpReceiverReport {

    private RtcpReceiverReport() {
    }

    /**
     * Writes RR + SDES (empty CNAME). The caller owns the returned buffer.
     *
     * @param ssrc the reporter's own SSRC
     * @param reporteeSsrc the source this block reports on
     * @param fractionLost 0..255, lost fraction since the last report in 1/256
     * @param cumulativeLost lost packets since the start, clamped to the signed 24-bit range
     * @param highestSeq extended highest sequence number received
     * @param jitter interarrival jitter in timestamp units
     * @param lsr middle 32 bits of the last SR's NTP time ({@link NtpTime#middle32}), 0 if none
     * @param dlsr delay since that SR in 1/65536 s ({@link NtpTime#toDlsr}), 0 if none
     */
    public static ByteBuf write(ByteBufAllocator alloc, long ssrc, long reporteeSsrc, int fractionLost,
                                long cumulativeLost, long highestSeq, long jitter, long lsr, long dlsr) {
        if (fractionLost < 0 || fractionLost > 255) {
            throw new IllegalArgumentException("fraction lost " + fractionLost + " outside 0..255");
        }
        byte[] cname = "".getBytes(StandardCharsets.UTF_8);
        ByteBuf b = alloc.buffer(32 + RtcpSenderReport.sdesSize(cname));
        b.writeByte(0x81); // V=2, P=0, RC=1
        b.writeByte(RtcpPacket.TYPE_RR);
        b.writeShort(32 / 4 - 1);
        b.writeInt((int) ssrc);
        b.writeInt((int) reporteeSsrc);
        long lost = Math.clamp(cumulativeLost, -(1 << 23), (1 << 23) - 1);
        b.writeInt((fractionLost << 24) | (int) (lost & 0xff_ffff));
        b.writeInt((int) highestSeq);
        b.writeInt((int) jitter);
        b.writeInt((int) lsr);
        b.writeInt((int) dlsr);
        RtcpSenderReport.writeSdes(b, ssrc, cname);
        return b;
    }
}
