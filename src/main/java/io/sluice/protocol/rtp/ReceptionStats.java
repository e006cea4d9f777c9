package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ReceptionStats is what Sluice knows about one RTP source of a publisher: loss and interarrival
 * jitter for its receiver reports (<a href="https://www.rfc-editor.org/rfc/rfc3550#appendix-A.3">RFC 3550 §A.3</a>,
 * <a href="https://www.rfc-editor.org/rfc/rfc3550#appendix-A.8">§A.8</a>), the last sender report for
 * LSR/DLSR (§6.4.1), and which recent packets are missing, for generic NACKs (RFC 4585 §6.2.1).
 *
 * <p>Not thread-safe: called only from the thread that receives the publisher's packets, which also
 * builds the reports.
 */
public final class ReceptionStats {

    /** How many recent sequence numbers are tracked for {@link #missing}. */
    public static final int WINDOW = 1024;
    /** Times a missing packet is asked for before Sluice gives up on it. */
    public static final int MAX_NACKS = 3;

    private static final long UNUSED = Long.MIN_VALUE;

    private final long ssrc;
    private final RtpSequenceTracker tracker = new RtpSequenceTracker();
    // slot i describes the extended sequence number slotSeq[i] (≡ i mod WINDOW), UNUSED when none
    private final long[] slotSeq = new long[WINDOW];
    private final boolean[] arrived = new boolean[WINDOW];
    private final byte[] nacks = new byte[WINDOW];
    private boolean started;
    private long arrivalBaseNanos;
    private long lastSrNtp;
    private long lastSrArrivalNanos;
    private boolean haveSr;

    /** @param ssrc the source this instance describes (the reportee of its receiver reports) */
    public ReceptionStats(long ssrc) {
        this.ssrc = ssrc;
        Arrays.fill(slotSeq, UNUSED);
    }

    public long ssrc() {
        return ssrc;
    }

    /**
     * Records one received packet.
     *
     * @param seq the RTP sequence number, 0..65535
     * @param arrivalNanos {@link System#nanoTime()} at arrival
     * @param clockRate the RTP clock rate of the source's format
     */
    public void received(int seq, long rtpTimestamp, long arrivalNanos, int clockRate) {
        seq &= 0xffff;
        boolean first = !started;
        if (first) {
            started = true;
            arrivalBaseNanos = arrivalNanos;
        }
        long highest = tracker.extendedHighest();
        int back = (int) ((highest - seq) & 0xffff);
        if (!first && back > 0 && back < WINDOW) {
            int i = slot(highest - back);
            if (slotSeq[i] == highest - back && !arrived[i]) {
                // a reordered or retransmitted packet we had marked missing: counted, but it must not
                // reach the jitter (its transit time includes the NACK round trip) nor look like a restart
                arrived[i] = true;
                tracker.countRecovered();
                return;
            }
        }
        RtpSequenceTracker.Result r = tracker.push(seq);
        long ext = tracker.extendedHighest();
        switch (r) {
            case FIRST, RESTART -> {
                Arrays.fill(slotSeq, UNUSED);
                mark(ext, true);
            }
            case IN_ORDER -> mark(ext, true);
            case GAP -> {
                for (long s = Math.max(ext - tracker.lastGap(), ext - WINDOW + 1); s < ext; s++) {
                    mark(s, false);
                }
                mark(ext, true);
            }
            case LATE -> {
                // a duplicate: RFC 3550 counts it, as the tracker did; no jitter sample, as for late packets
                return;
            }
        }
        tracker.updateJitter(rtpTimestamp, toClock(arrivalNanos - arrivalBaseNanos, clockRate));
    }

    /**
     * Records a sender report of this source for the LSR/DLSR fields.
     *
     * @param ntpTime64 the report's 64-bit NTP timestamp
     * @param arrivalNanos {@link System#nanoTime()} at arrival
     */
    public void senderReport(long ntpTime64, long arrivalNanos) {
        lastSrNtp = ntpTime64;
        lastSrArrivalNanos = arrivalNanos;
        haveSr = true;
    }

    /**
     * A receiver report with one block about this source, followed by an SDES chunk (see
     * {@link RtcpReceiverReport#write}); the caller owns it. Starts a new interval for "fraction lost".
     * Null before the first packet: there is nothing to report on.
     */
    public ByteBuf receiverReport(ByteBufAllocator alloc, long ourSsrc, long nowNanos) {
        if (!started) {
            return null;
        }
        long lsr = haveSr ? NtpTime.middle32(lastSrNtp) : 0;
        long dlsr = haveSr ? NtpTime.toDlsr(nowNanos - lastSrArrivalNanos) : 0;
        return RtcpReceiverReport.write(alloc, ourSsrc, ssrc, tracker.fractionLostSinceLastCall(),
                tracker.cumulativeLost(), tracker.extendedHighest(), tracker.jitter(), lsr, dlsr);
    }

    /**
     * Sequence numbers missing among the last {@code maxAgePackets} (at most {@link #WINDOW}) up to
     * the highest received, oldest first, leaving out those already NACKed {@link #MAX_NACKS} times.
     */
    public List<Integer> missing(int maxAgePackets) {
        List<Integer> out = new ArrayList<>();
        if (!started) {
            return out;
        }
        long highest = tracker.extendedHighest();
        for (long s = highest - Math.clamp(maxAgePackets, 0, WINDOW) + 1; s < highest; s++) {
            int i = slot(s);
            if (slotSeq[i] == s && !arrived[i] && nacks[i] < MAX_NACKS) {
                out.add((int) (s & 0xffff));
            }
        }
        return out;
    }

    /**
     * Whether {@code seq} (0..65535) already arrived among the last {@link #WINDOW} packets: a second copy
     * (a retransmission of a packet that was only late, or a duplicate on the wire) that ingest drops.
     */
    public boolean isDuplicate(int seq) {
        if (!started) {
            return false;
        }
        long highest = tracker.extendedHighest();
        int back = (int) ((highest - (seq & 0xffff)) & 0xffff);
        int i = slot(highest - back);
        return back < WINDOW && slotSeq[i] == highest - back && arrived[i];
    }

    /** Packets lost since the first one (expected minus received, RFC 3550 §6.4.1), for the REMB estimate. */
    public long cumulativeLost() {
        return tracker.cumulativeLost();
    }

    /** Packets received since the first one, duplicates included. */
    public long packetsReceived() {
        return tracker.received();
    }

    /** Records that these sequence numbers (from {@link #missing}) were NACKed once more. */
    public void nacked(List<Integer> sequences) {
        long highest = tracker.extendedHighest();
        for (int seq : sequences) {
            int back = (int) ((highest - seq) & 0xffff);
            int i = slot(highest - back);
            if (back < WINDOW && slotSeq[i] == highest - back && !arrived[i] && nacks[i] < Byte.MAX_VALUE) {
                nacks[i]++;
            }
        }
    }

    private void mark(long ext, boolean got) {
        int i = slot(ext);
        slotSeq[i] = ext;
        arrived[i] = got;
        nacks[i] = 0;
    }

    private static int slot(long ext) {
        return (int) (ext & (WINDOW - 1));
    }

    /** A duration in nanoseconds in units of the clock rate, without the overflow of {@code nanos * rate}. */
    private static long toClock(long nanos, int clockRate) {
        return Math.floorDiv(nanos, 1_000_000_000L) * clockRate + Math.floorMod(nanos, 1_000_000_000L) * clockRate / 1_000_000_000L;
    }
}
