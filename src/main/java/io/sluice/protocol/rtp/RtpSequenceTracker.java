package io.sluice.protocol.rtp;

/**
 * RtpSequenceTracker follows the sequence numbers of one RTP source: it extends them past the 16-bit
 * rollover, classifies each packet as in order, after a gap, late or a restart, and keeps the
 * reception statistics of a receiver report
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#appendix-A.1">RFC 3550 §A.1</a>, §A.3, §A.8).
 *
 * <p>Not thread-safe: one instance belongs to the thread that receives the source's packets.
 */
public final class RtpSequenceTracker {

    /** A forward jump larger than this is taken as a sender restart, not as loss (RFC 3550 §A.1). */
    public static final int MAX_DROPOUT = 3000;
    /** A packet up to this far behind the highest one is late or duplicate, not a restart (RFC 3550 §A.1). */
    public static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    /** What one packet's sequence number means. */
    public enum Result {
        /** The first packet seen (or the first after {@link #reset}). */
        FIRST,
        /** The next expected number. */
        IN_ORDER,
        /** Ahead of the next expected number: {@link #lastGap()} packets are missing (or still to come, reordered). */
        GAP,
        /** At or behind the highest number seen: a duplicate or a reordered packet; drop it. */
        LATE,
        /** A jump beyond {@link #MAX_DROPOUT} or {@link #MAX_MISORDER}: the sender restarted; the numbering starts over. */
        RESTART
    }

    private boolean started;
    private long cycles; // count of 16-bit wraps, times 2^16
    private int maxSeq;
    private long baseSeq;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private int lastGap;
    private long jitter; // scaled by 16 as in RFC 3550 §A.8
    private long lastTransit;
    private boolean haveTransit;

    /** Classifies {@code seq} (0..65535) and updates the statistics. */
    public Result push(int seq) {
        seq &= 0xffff;
        lastGap = 0;
        if (!started) {
            restartAt(seq);
            return Result.FIRST;
        }
        int delta = (seq - maxSeq) & 0xffff;
        if (delta == 0) {
            return Result.LATE;
        }
        if (delta <= MAX_DROPOUT) {
            if (seq < maxSeq) {
                cycles += SEQ_MOD;
            }
            maxSeq = seq;
            received++;
            lastGap = delta - 1;
            return delta == 1 ? Result.IN_ORDER : Result.GAP;
        }
        if (delta >= SEQ_MOD - MAX_MISORDER) {
            // late packets still count as received, duplicates make "lost" negative as the RFC allows
            received++;
            return Result.LATE;
        }
        restartAt(seq);
        return Result.RESTART;
    }

    /**
     * Counts a packet its caller recognised as a late one it had found missing (a retransmission),
     * without classifying it: it may be further behind than {@link #MAX_MISORDER} and must not be
     * taken for a restart.
     */
    void countRecovered() {
        received++;
    }

    private void restartAt(int seq) {
        started = true;
        maxSeq = seq;
        cycles = 0;
        baseSeq = seq;
        received = 1;
        expectedPrior = 0;
        receivedPrior = 0;
        haveTransit = false;
        jitter = 0;
    }

    /** Forgets everything; the next packet is {@link Result#FIRST}. */
    public void reset() {
        started = false;
        lastGap = 0;
    }

    /** Packets skipped by the last {@link #push} that returned {@link Result#GAP}, else 0. */
    public int lastGap() {
        return lastGap;
    }

    /** Highest sequence number with its rollover count in the upper 16 bits (the RR's "extended highest"). */
    public long extendedHighest() {
        return cycles + maxSeq;
    }

    public long received() {
        return received;
    }

    /** Expected minus received since the first packet; negative with duplicates (RFC 3550 §6.4.1). */
    public long cumulativeLost() {
        return started ? extendedHighest() - baseSeq + 1 - received : 0;
    }

    /**
     * The lost fraction in 1/256 since the previous call (0 when packets were duplicated), as the RR's
     * "fraction lost"; each call starts a new interval (RFC 3550 §A.3).
     */
    public int fractionLostSinceLastCall() {
        long expected = started ? extendedHighest() - baseSeq + 1 : 0;
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        if (expectedInterval == 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    }

    /**
     * Updates the interarrival jitter with one packet (RFC 3550 §A.8).
     *
     * @param rtpTimestamp the packet's RTP timestamp
     * @param arrival the arrival time converted to the same clock rate (e.g. nanoTime * rate / 1e9)
     */
    public void updateJitter(long rtpTimestamp, long arrival) {
        long transit = arrival - rtpTimestamp;
        if (haveTransit) {
            long d = Math.abs(transit - lastTransit);
            jitter += d - ((jitter + 8) >> 4);
        }
        lastTransit = transit;
        haveTransit = true;
    }

    /** Interarrival jitter in timestamp units, as the RR's "jitter". */
    public long jitter() {
        return jitter >> 4;
    }
}
