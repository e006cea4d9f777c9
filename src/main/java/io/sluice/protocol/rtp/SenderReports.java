package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.SenderClock;
import io.sluice.stream.Unit;

/**
 * SenderReports tracks what one sender (a reader session or a forwarder) has sent per media and
 * builds the RTCP sender reports (RFC 3550 §6.4.1) that let the receiver map RTP time to wall-clock
 * time and synchronise audio with video.
 *
 * <p>The NTP time of a report comes from the publisher's own mapping ({@link SenderClock}) when it
 * gave one, so the audio/video timing it stated is carried through; otherwise from the arrival time
 * of the packets. See {@link #ntpFor} for the rule while only some medias have the publisher's mapping.
 *
 * <p>Not thread-safe: used only on the sender's event loop.
 */
public final class SenderReports {
    private final int[] clockRates;
    private final long[] ssrc;
    private final long[] lastTimestamp;
    private final long[] lastWallNanos;
    private final long[] packets;
    private final long[] octets;
    private final SenderClock clock;

    /** @param clockRates RTP clock rate of each media */
    public SenderReports(int[] clockRates) {
        this(clockRates, null);
    }

    /**
     * @param clockRates RTP clock rate of each media
     * @param clock the publisher's RTP↔NTP mappings (the stream's), or null to map by arrival time only
     */
    public SenderReports(int[] clockRates, SenderClock clock) {
        int n = clockRates.length;
        this.clock = clock;
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

    /**
     * Builds a sender report for a media, for the current time; null when nothing was sent yet, or
     * when the report is held back because it would contradict the publisher's clock (see {@link #ntpFor}).
     */
    public ByteBuf report(int media, ByteBufAllocator alloc) {
        if (!hasSent(media)) {
            return null;
        }
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        long elapsed = nowNanos - lastWallNanos[media];
        long rtpNow = (lastTimestamp[media] + elapsed * clockRates[media] / 1_000_000_000L) & 0xFFFFFFFFL;
        long ntp = ntpFor(clock, media, rtpNow, nowNanos);
        if (ntp == HOLD) {
            return null;
        }
        return RtcpSenderReport.write(alloc, ssrc[media], ntp, rtpNow, packets[media] & 0xFFFFFFFFL,
                octets[media] & 0xFFFFFFFFL);
    }

    /** What {@link #ntpFor} returns when no sender report should be sent for the media now. */
    public static final long HOLD = 0;

    /**
     * The NTP time a sender report should pair with {@code rtpTs} of a media (the timestamp as the
     * publisher sent it):
     * <ul>
     *   <li>the publisher's mapping of the media, when it gave one: mapped NTP + (ts − mapped ts)/clock;
     *   <li>{@link #HOLD} when it gave one for another media but not (yet) for this one: a report made
     *       from arrival times would put this media on a different clock than the others, and a
     *       receiver would sync audio to video wrongly until the next report; no report is better;
     *   <li>else {@code nowUnixNanos} (the arrival-time mapping: every media of the sender on one
     *       wall clock, the best guess without the publisher's word).
     * </ul>
     *
     * @param clock the publisher's mappings, or null when there are none
     * @param nowUnixNanos wall-clock time that {@code rtpTs} was extrapolated to
     */
    public static long ntpFor(SenderClock clock, int media, long rtpTs, long nowUnixNanos) {
        if (clock != null) {
            SenderClock.Mapping m = clock.get(media);
            if (m != null) {
                return m.ntpAt(rtpTs);
            }
            if (clock.any()) {
                return HOLD;
            }
        }
        return NtpTime.fromUnixNanos(nowUnixNanos);
    }
}
