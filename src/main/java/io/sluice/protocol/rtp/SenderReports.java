package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.Unit;

/**
 * SenderReports tracks what one sender (a reader session or a forwarder) has sent per media and
 * builds the RTCP sender reports (RFC 3550 §6.4.1) that let the receiver map RTP time to wall-clock
 * time and synchronise audio with video.
 *
 * <p>Not thread-safe: used only on the sender's event loop.
 */
public final class SenderReports {
    private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private final int[] clockRates;
    private final long[] ssrc;
    private final long[] lastTimestamp;
    private final long[] lastWallNanos;
    private final long[] packets;
    private final long[] octets;

    /** @param clockRates RTP clock rate of each media */
    public SenderReports(int[] clockRates) {
        int n = clockRates.length;
        this.clockRates = clockRates.clone();
        this.ssrc = new long[n];
        this.lastTimestamp = new long[n];
        this.lastWallNanos = new long[n];
        this.packets = new long[n];
        this.octets = new long[n];
    }

    /** Records one sent packet. */
    public void sent(Unit u) {
        int m = u.media();
        ByteBuf b = u.rtp();
        ssrc[m] = b.getUnsignedInt(b.readerIndex() + 8);
        lastTimestamp[m] = u.timestamp();
        // Map the packet's arrival to wall-clock time, so that the RTP/NTP pairs of all medias share
        // one clock (the receiver syncs audio and video by them).
        lastWallNanos[m] = System.currentTimeMillis() * 1_000_000L - (System.nanoTime() - u.receivedNanos());
        packets[m]++;
        octets[m] += Math.max(0, u.size() - 12);
    }

    /** True once a packet of the media was sent (a report needs an SSRC and a timestamp). */
    public boolean hasSent(int media) {
        return packets[media] > 0;
    }

    /** Builds a sender report for a media, for the current time; null when nothing was sent yet. */
    public ByteBuf report(int media, ByteBufAllocator alloc) {
        if (!hasSent(media)) {
            return null;
        }
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        long elapsed = nowNanos - lastWallNanos[media];
        long rtpNow = (lastTimestamp[media] + elapsed * clockRates[media] / 1_000_000_000L) & 0xFFFFFFFFL;
        return RtcpSenderReport.write(alloc, ssrc[media], ntp(nowNanos), rtpNow, packets[media] & 0xFFFFFFFFL,
                octets[media] & 0xFFFFFFFFL);
    }

    /** 64-bit NTP timestamp (RFC 5905 §6) of a Unix time in nanoseconds. */
    static long ntp(long unixNanos) {
        long seconds = unixNanos / 1_000_000_000L + NTP_EPOCH_OFFSET_SECONDS;
        long frac = ((unixNanos % 1_000_000_000L) << 32) / 1_000_000_000L;
        return (seconds << 32) | (frac & 0xFFFFFFFFL);
    }
}
