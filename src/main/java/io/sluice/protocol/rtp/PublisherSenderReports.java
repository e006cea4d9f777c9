package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.SenderClock;

/**
 * PublisherSenderReports takes the RTCP sender reports (RFC 3550 §6.4.1) a publisher sends for one
 * media and stores their RTP↔NTP pair in the stream's {@link SenderClock}, from where every reader's
 * and target's own sender reports take it.
 */
public final class PublisherSenderReports {

    private PublisherSenderReports() {
    }

    /**
     * Reads one compound RTCP packet that arrived for a media (on its RTCP port or interleaved
     * channel) without changing the buffer, and stores the mapping of its sender report, if any.
     * Sender reports with an NTP time of 0 are skipped: RFC 3550 §6.4.1 lets a sender without a wall
     * clock send 0, which maps nothing.
     *
     * @return true when a mapping was stored
     * @throws RtpPacketException when the packet is not valid RTCP
     */
    public static boolean record(SenderClock clock, int media, int clockRate, ByteBuf rtcp) {
        boolean stored = false;
        for (RtcpPacket p : RtcpPacket.parseCompound(rtcp)) {
            if (p instanceof RtcpPacket.SenderReport sr) {
                stored |= record(clock, media, clockRate, sr.ntpTime(), sr.rtpTimestamp());
            }
        }
        return stored;
    }

    /** Stores one sender report's pair; false (nothing stored) when its NTP time is 0. */
    public static boolean record(SenderClock clock, int media, int clockRate, long ntpTime, long rtpTimestamp) {
        if (ntpTime == 0) {
            return false;
        }
        clock.set(media, new SenderClock.Mapping(ntpTime, rtpTimestamp, clockRate));
        return true;
    }
}
