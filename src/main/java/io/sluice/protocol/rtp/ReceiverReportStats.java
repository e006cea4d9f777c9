package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ReceiverReportStats keeps what a remote receiver says about the media we send it, from its RTCP
 * receiver reports (RFC 3550 §6.4.2, and report blocks in its sender reports): when it last reported
 * (a receiver that stops reporting no longer receives, or its reports no longer reach us), and its
 * loss and jitter figures.
 *
 * <p>Thread-safe: reports arrive on the sockets' event loop, figures are read by any thread.
 */
public final class ReceiverReportStats {
    private final int[] clockRates;
    private final long startNanos;
    private volatile long lastReportNanos;
    private long reports;
    private final int[] fractionLost;
    private final long[] cumulativeLost;
    private final long[] jitter;
    private final boolean[] seen;

    /**
     * @param clockRates RTP clock rate of each media (jitter comes in its units)
     * @param startNanos {@link System#nanoTime()} when sending began: silence is counted from there
     */
    public ReceiverReportStats(int[] clockRates, long startNanos) {
        this.clockRates = clockRates.clone();
        this.startNanos = startNanos;
        int n = clockRates.length;
        this.fractionLost = new int[n];
        this.cumulativeLost = new long[n];
        this.jitter = new long[n];
        this.seen = new boolean[n];
    }

    /**
     * Reads one compound RTCP packet the receiver sent about a media, without changing the buffer.
     *
     * @return true when it held a receiver or sender report (which counts as a sign of life)
     * @throws RtpPacketException when it is not valid RTCP
     */
    public boolean onRtcp(int media, ByteBuf rtcp, long nowNanos) {
        boolean report = false;
        for (RtcpPacket p : RtcpPacket.parseCompound(rtcp)) {
            switch (p) {
                case RtcpPacket.ReceiverReport rr -> {
                    report = true;
                    blocks(media, rr.reports());
                }
                case RtcpPacket.SenderReport sr -> {
                    report = true;
                    blocks(media, sr.reports());
                }
                default -> {
                }
            }
        }
        if (report) {
            synchronized (this) {
                reports++;
            }
            lastReportNanos = nowNanos;
        }
        return report;
    }

    private synchronized void blocks(int media, java.util.List<RtcpPacket.ReportBlock> blocks) {
        if (media < 0 || media >= seen.length) {
            return;
        }
        // One media, one source (the publisher's packets pass through with their SSRC): the last
        // block is the receiver's current view of it.
        for (RtcpPacket.ReportBlock b : blocks) {
            seen[media] = true;
            fractionLost[media] = b.fractionLost();
            cumulativeLost[media] = b.cumulativeLost();
            jitter[media] = b.jitter();
        }
    }

    /** How long the receiver has sent no report: since the last one, or since sending began. */
    public long nanosSinceReport(long nowNanos) {
        long last = lastReportNanos;
        return nowNanos - (last != 0 ? last : startNanos);
    }

    /**
     * The figures for a target's link stats: {@code receiverReports} (count), {@code fractionLost}
     * (0..1, the worst media of the last reports), {@code packetsLost} (cumulative, all medias, at least 0),
     * {@code jitterMs} (the worst media); -1 while no report block came.
     */
    public synchronized Map<String, Number> figures() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("receiverReports", reports);
        int worstFraction = -1;
        long lost = 0;
        double worstJitterMs = -1;
        boolean any = false;
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                continue;
            }
            any = true;
            worstFraction = Math.max(worstFraction, fractionLost[i]);
            lost += cumulativeLost[i];
            worstJitterMs = Math.max(worstJitterMs, jitter[i] * 1000.0 / clockRates[i]);
        }
        m.put("fractionLost", worstFraction < 0 ? -1 : Math.round(worstFraction / 256.0 * 1000) / 1000.0);
        // RFC 3550 §6.4.1: duplicates make the count negative (GStreamer reports -2 for the GOP
        // replayed at a join); that is no loss, and negative figures mean "unknown" in link stats
        m.put("packetsLost", any ? Math.max(0, lost) : -1);
        m.put("jitterMs", worstJitterMs < 0 ? -1 : Math.round(worstJitterMs * 100) / 100.0);
        return m;
    }
}
