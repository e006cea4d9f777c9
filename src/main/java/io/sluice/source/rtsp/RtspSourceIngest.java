package io.sluice.source.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.protocol.rtp.PublisherSenderReports;
import io.sluice.protocol.rtp.ReceptionStats;
import io.sluice.protocol.rtp.RtpPacketException;
import io.sluice.stream.Stream;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspSourceIngest takes a camera's RTP and RTCP, interleaved or over UDP, into the publisher's stream the
 * way the RTSP server's RECORD path does: each RTP packet goes to {@link Stream#write} as it is, sender
 * reports go to the stream's sender clock, and {@link #batchEnd} ends each read batch. It also keeps what a
 * receiver reports back (loss, jitter, last SR, RFC 3550 §6.4.2), so that cameras that watch RTCP keep the
 * session, and the time of the last packet for the read timeout.
 *
 * <p>Called only from the source's event loop (its sockets and timers all live there).
 */
final class RtspSourceIngest {
    private static final Logger LOG = LoggerFactory.getLogger(RtspSourceIngest.class);
    /** The SSRC Sluice reports as, one per session. */
    private final long ourSsrc = java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 32);
    private final Stream stream;
    private final int[] clockRates;
    private final ReceptionStats[] stats;
    private final String logPrefix;
    private long lastPacketNanos;
    private long packets;
    private long badRtcp;
    private boolean pending;

    /** @param startNanos when the session started: the read timeout counts from here until a packet comes */
    RtspSourceIngest(Stream stream, String logPrefix, long startNanos) {
        this.stream = stream;
        this.logPrefix = logPrefix;
        int n = stream.desc().medias().size();
        this.clockRates = new int[n];
        this.stats = new ReceptionStats[n];
        for (int i = 0; i < n; i++) {
            clockRates[i] = stream.desc().medias().get(i).format().clockRate();
        }
        this.lastPacketNanos = startNanos;
    }

    /** One RTP packet of a media; takes ownership of {@code rtp}. */
    void rtp(int media, ByteBuf rtp, long nowNanos) {
        if (media < 0 || media >= stats.length || rtp.readableBytes() < 12) {
            rtp.release();
            return;
        }
        int r = rtp.readerIndex();
        long ssrc = rtp.getUnsignedInt(r + 8);
        ReceptionStats s = stats[media];
        if (s == null || s.ssrc() != ssrc) {
            s = new ReceptionStats(ssrc);
            stats[media] = s;
        }
        s.received(rtp.getUnsignedShort(r + 2), rtp.getUnsignedInt(r + 4), nowNanos, clockRates[media]);
        lastPacketNanos = nowNanos;
        packets++;
        pending = true;
        stream.write(media, rtp, nowNanos);
    }

    /** One compound RTCP packet about a media; does not release {@code rtcp}. */
    void rtcp(int media, ByteBuf rtcp, long nowNanos) {
        if (media < 0 || media >= stats.length) {
            return;
        }
        lastPacketNanos = nowNanos;
        try {
            PublisherSenderReports.record(stream.senderClock(), media, clockRates[media], rtcp);
        } catch (RtpPacketException e) {
            if (badRtcp++ == 0) { // once per session: a camera that sends broken RTCP sends it every time
                LOG.warn("{} bad RTCP for media {}: {}", logPrefix, media, e.getMessage());
            }
            return;
        }
        // RFC 3550 §6.4.1: an SR (PT 200) starts the compound packet; its NTP time is the LSR of our reports
        int r = rtcp.readerIndex();
        ReceptionStats s = stats[media];
        if (s != null && rtcp.readableBytes() >= 20 && rtcp.getUnsignedByte(r + 1) == 200
                && rtcp.getUnsignedInt(r + 4) == s.ssrc()) {
            s.senderReport(rtcp.getLong(r + 8), nowNanos);
        }
    }

    /** Ends a read batch: the stream hands what it assembled to its readers. */
    void batchEnd() {
        if (pending) {
            pending = false;
            stream.batchEnd();
        }
    }

    /** Gives each media's receiver report (for those that sent something) to {@code out}, which owns it. */
    void receiverReports(ByteBufAllocator alloc, long nowNanos, BiConsumer<Integer, ByteBuf> out) {
        for (int i = 0; i < stats.length; i++) {
            ByteBuf rr = stats[i] == null ? null : stats[i].receiverReport(alloc, ourSsrc, nowNanos);
            if (rr != null) {
                out.accept(i, rr);
            }
        }
    }

    long nanosSinceLastPacket(long nowNanos) {
        return nowNanos - lastPacketNanos;
    }

    long packets() {
        return packets;
    }
}
