package io.sluice.protocol.rtp;

/**
 * SenderReportTimes remembers when each of the last sender reports left, by the middle 32 bits of the NTP
 * time it carried, so that a receiver report's LSR/DLSR gives the round-trip time
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1">RFC 3550 §6.4.1</a>) on the local clock:
 * RTT = arrival − (when that SR left) − DLSR.
 *
 * <p>Why not "arrival's NTP − LSR − DLSR" as the RFC writes it: a forwarding server's sender reports carry
 * the publisher's NTP timeline (so receivers can sync audio and video), which is not this machine's clock,
 * and the difference would read as RTT. Thread-safe (short synchronized methods): sent on the writer's loop,
 * looked up on the transport's thread.
 */
public final class SenderReportTimes {
    /** Reports remembered: a receiver answers the latest it got, so a few seconds' worth is plenty. */
    static final int SLOTS = 16;

    private final long[] ntpMiddle = new long[SLOTS];
    private final long[] sentNanos = new long[SLOTS];
    private final boolean[] used = new boolean[SLOTS];
    private int next;

    /** Records a sender report with NTP time {@code ntp} (64-bit) sent at {@code nanos} (System.nanoTime). */
    public synchronized void sent(long ntp, long nanos) {
        ntpMiddle[next] = NtpTime.middle32(ntp);
        sentNanos[next] = nanos;
        used[next] = true;
        next = (next + 1) % SLOTS;
    }

    /**
     * The round-trip time in nanoseconds from one report block's LSR and DLSR (1/65536 s) received at
     * {@code nowNanos}, or -1 when LSR is 0 (no SR received yet), names no report remembered here, or the
     * result is negative.
     */
    public synchronized long rttNanos(long lsr, long dlsr, long nowNanos) {
        if (lsr == 0) {
            return -1;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (used[i] && ntpMiddle[i] == lsr) {
                long rtt = nowNanos - sentNanos[i] - dlsr * 1_000_000_000L / 65536;
                return rtt < 0 ? -1 : rtt;
            }
        }
        return -1;
    }
}
