package io.sluice.protocol.rtp;

/**
 * SendSideEstimator is a sender's view of its link made from the receiver's transport-cc feedback
 * (<a href="https://datatracker.ietf.org/doc/html/draft-holmer-rmcat-transport-wide-cc-extensions-01">draft-holmer</a>):
 * it remembers each packet it sent under its transport-wide sequence number ({@link #sent}), marks the
 * ones a feedback says arrived or not ({@link #feedback}), and at each {@link #update} (about once a
 * second) reduces the packets acknowledged since the last update to four figures:
 * <ul>
 *   <li><b>delivered</b>: bytes that arrived, over the wall time since the last update (bit/s) — what
 *       the link really carried;</li>
 *   <li><b>loss</b>: packets reported not received / packets reported, 0..1 (a packet first reported
 *       missing and then received counts as received);</li>
 *   <li><b>queuing delay</b>: how far the latest one-way delay (remote arrival minus our send time, on
 *       unrelated clocks) is above the lowest seen in the last {@link #BASE_DELAY_WINDOW_NANOS}: a
 *       bottleneck queue that fills shows here before it drops;</li>
 *   <li><b>estimate</b>, the rule of {@link RembEstimator} applied to the sender's side: congested (loss
 *       over {@link #HIGH_LOSS} or queuing delay over {@link #QUEUE_LIMIT_NANOS}) → {@link #BACK_OFF}
 *       × delivered; healthy (loss under {@link #LOW_LOSS}, delay under half the limit) → at least
 *       {@link #HEADROOM} × delivered (on a clean link the estimate says "this and some more", it never
 *       claims to know the capacity above what was sent); in between it holds. -1 before any feedback.</li>
 * </ul>
 * It is deliberately not GoogCC: no probing, no trend filter. It reports what happened, which is what a
 * forward target's stats and its keyframe-only decision need.
 *
 * <p>Threads: {@link #sent} is called from the sending thread, {@link #feedback} from the receiving
 * one and {@link #update} from a timer; each is short and synchronized.
 */
public final class SendSideEstimator {
    static final double LOW_LOSS = 0.02;
    static final double HIGH_LOSS = 0.10;
    static final double HEADROOM = 1.5;
    static final double BACK_OFF = 0.85;
    static final long QUEUE_LIMIT_NANOS = 150_000_000L;
    static final long BASE_DELAY_WINDOW_NANOS = 10_000_000_000L;
    /** Sent packets remembered: at 2,000 packets/s (~20 Mbit/s) four seconds, far more than a feedback's delay. */
    static final int HISTORY = 1 << 13;
    private static final byte UNKNOWN = 0;
    private static final byte SENT = 1;
    private static final byte RECEIVED = 2;
    private static final byte LOST = 3;

    /** What one {@link #update} found; delays and rates are -1 where nothing was known. */
    public record Window(long deliveredBps, double loss, long queueDelayNanos, long estimateBps, int reported) {
    }

    private final int[] seqOf = new int[HISTORY];
    private final long[] sendNanos = new long[HISTORY];
    private final int[] bytes = new int[HISTORY];
    private final byte[] state = new byte[HISTORY];
    private long sentPackets;
    private long receivedBytes;
    private int received;
    private int lost;
    private long baseDelayNanos = Long.MAX_VALUE;
    private long baseDelaySetNanos;
    private long latestDelayNanos = Long.MIN_VALUE;
    private long lastUpdateNanos = Long.MIN_VALUE;
    private long estimate = -1;

    /** Records a packet as it leaves: its transport-wide number (0..65535), size and send time. */
    public synchronized void sent(int seq, int size, long nanos) {
        int i = seq & (HISTORY - 1);
        seqOf[i] = seq;
        sendNanos[i] = nanos;
        bytes[i] = size;
        state[i] = SENT;
        sentPackets++;
    }

    /** Packets {@link #sent} so far. */
    public synchronized long sentPackets() {
        return sentPackets;
    }

    /**
     * Applies one feedback: each packet it names that is still in the history is marked received (with
     * its arrival) or lost. Numbers already overwritten or never sent are ignored.
     */
    public synchronized void feedback(TransportCcFeedback.Report r) {
        long[] arrivals = r.arrivalTicks();
        for (int k = 0; k < arrivals.length; k++) {
            int seq = (r.baseSeq() + k) & 0xffff;
            int i = seq & (HISTORY - 1);
            if (seqOf[i] != seq || state[i] == UNKNOWN || state[i] == RECEIVED) {
                continue;
            }
            if (arrivals[k] < 0) {
                if (state[i] == SENT) {
                    state[i] = LOST;
                    lost++;
                }
                continue;
            }
            if (state[i] == LOST) {
                lost--; // reported missing before, arrived late (reordered or retransmitted feedback)
            }
            state[i] = RECEIVED;
            received++;
            receivedBytes += bytes[i];
            long delay = arrivals[k] * TransportCcFeedback.DELTA_TICK_MICROS * 1000 - sendNanos[i];
            if (delay < baseDelayNanos || sendNanos[i] - baseDelaySetNanos > BASE_DELAY_WINDOW_NANOS) {
                // the minimum ages out, so that clock drift between the two ends does not read as a queue
                baseDelayNanos = delay;
                baseDelaySetNanos = sendNanos[i];
            }
            latestDelayNanos = delay;
        }
    }

    /** Reduces what was acknowledged since the last call to a {@link Window} and applies the estimate rule. */
    public synchronized Window update(long nowNanos) {
        long span = lastUpdateNanos == Long.MIN_VALUE ? 0 : nowNanos - lastUpdateNanos;
        lastUpdateNanos = nowNanos;
        int reported = received + lost;
        long delivered = span <= 0 ? -1 : receivedBytes * 8 * 1_000_000_000L / span;
        double loss = reported == 0 ? -1 : (double) lost / reported;
        long queue = latestDelayNanos == Long.MIN_VALUE ? -1 : latestDelayNanos - baseDelayNanos;
        if (reported > 0 && delivered >= 0) {
            if (loss > HIGH_LOSS || queue > QUEUE_LIMIT_NANOS) {
                estimate = (long) (BACK_OFF * delivered);
            } else if (loss < LOW_LOSS && queue <= QUEUE_LIMIT_NANOS / 2) {
                estimate = Math.max(estimate, (long) (HEADROOM * delivered));
            } else if (estimate < 0) {
                estimate = delivered;
            }
        }
        received = 0;
        lost = 0;
        receivedBytes = 0;
        return new Window(delivered, loss, queue, estimate, reported);
    }

    /** The last estimate in bit/s, -1 before any feedback. */
    public synchronized long estimate() {
        return estimate;
    }
}
