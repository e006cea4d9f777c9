package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The send-side estimate over synthetic links: each case sends packets, has a simulated receiver write
 * real transport-cc feedback (the encoder) for what its link let through, parses it back as the sender
 * does (the parser) and feeds it to the estimator.
 */
class SendSideEstimatorTest {
    private static final long MS = 1_000_000L;
    private static final int SIZE = 1000;

    /** A link: which packets it drops, and its one-way delay for packet i (ms). */
    private record Link(IntPredicate drops, java.util.function.IntToLongFunction delayMs) {
    }

    private final SendSideEstimator est = new SendSideEstimator();
    private int seq = 65000; // crosses the 16-bit wrap on the way

    /** Sends second number {@code second} at {@code pps} packets/s; feedback every 100 ms. */
    private SendSideEstimator.Window second(int second, int pps, Link link) {
        long start = second * 1000L;
        List<long[]> batch = new ArrayList<>(); // {seq, arrivalMs or -1}
        for (int i = 0; i < pps; i++) {
            long sendMs = start + i * 1000L / pps;
            int s = seq;
            seq = (seq + 1) & 0xffff;
            est.sent(s, SIZE, sendMs * MS);
            int n = second * pps + i;
            batch.add(new long[] {s, link.drops().test(n) ? -1 : sendMs + 20 + link.delayMs().applyAsLong(n)});
            if (batch.size() == pps / 10) {
                feedback(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            feedback(batch);
        }
        return est.update((start + 1000) * MS);
    }

    private void feedback(List<long[]> batch) {
        long[] first = batch.stream().filter(p -> p[1] >= 0).findFirst().orElse(null);
        if (first == null) {
            return; // a receiver sends no feedback when nothing arrived
        }
        int base = (int) batch.getFirst()[0];
        TransportCcFeedback fb = new TransportCcFeedback(base, first[1] * 4);
        for (long[] p : batch) {
            if (p[1] >= 0) {
                assertThat(fb.add((int) ((p[0] - base) & 0xffff), p[1] * 4)).isTrue();
            }
        }
        ByteBuf b = fb.write(UnpooledByteBufAllocator.DEFAULT, 1, 2, 0);
        try {
            List<TransportCcFeedback.Report> reports = TransportCcFeedback.inCompound(b);
            assertThat(reports).hasSize(1);
            est.feedback(reports.getFirst());
        } finally {
            b.release();
        }
    }

    @Test
    void cleanLinkEstimatesAboveWhatWasSent() {
        Link clean = new Link(n -> false, n -> 0);
        est.update(0);
        SendSideEstimator.Window w = null;
        for (int s = 0; s < 3; s++) {
            w = second(s, 100, clean);
        }
        assertThat(w.loss()).isZero();
        assertThat(w.deliveredBps()).isCloseTo(800_000L, within(40_000L));
        assertThat(w.queueDelayNanos()).isZero();
        assertThat(w.estimateBps()).isCloseTo((long) (SendSideEstimator.HEADROOM * 800_000), within(60_000L));
    }

    @Test
    void tenPercentLossIsReportedAndDoesNotRaiseTheEstimate() {
        est.update(0);
        second(0, 100, new Link(n -> false, n -> 0));
        long before = est.estimate();
        Link lossy = new Link(n -> n % 10 == 3, n -> 0);
        SendSideEstimator.Window w = second(1, 100, lossy);
        assertThat(w.loss()).isCloseTo(0.10, within(0.001));
        assertThat(w.deliveredBps()).isCloseTo(720_000L, within(40_000L));
        assertThat(w.estimateBps()).isEqualTo(before);
    }

    @Test
    void aCapacityCapBacksTheEstimateOffToWhatArrives() {
        est.update(0);
        // 2 Mbit/s offered into a 1 Mbit/s link that drops what it cannot carry: every second packet
        Link capped = new Link(n -> n % 2 == 1, n -> 0);
        SendSideEstimator.Window w = null;
        for (int s = 0; s < 2; s++) {
            w = second(s, 250, capped);
        }
        // a feedback ends at its last received packet: a trailing loss is reported with the next one
        assertThat(w.loss()).isCloseTo(0.5, within(0.02));
        assertThat(w.deliveredBps()).isCloseTo(1_000_000L, within(50_000L));
        assertThat(w.estimateBps()).isCloseTo((long) (SendSideEstimator.BACK_OFF * 1_000_000), within(50_000L));
    }

    @Test
    void aFillingQueueBacksOffBeforeAnythingIsLost() {
        est.update(0);
        second(0, 100, new Link(n -> false, n -> 0));
        // a bottleneck buffer that grows by 2 ms a packet: 200 ms more after a second, nothing dropped
        SendSideEstimator.Window w = second(1, 100, new Link(n -> false, n -> 2L * (n - 100)));
        assertThat(w.loss()).isZero();
        assertThat(w.queueDelayNanos()).isGreaterThan(SendSideEstimator.QUEUE_LIMIT_NANOS);
        assertThat(w.estimateBps()).isLessThan(800_000L);
    }

    @Test
    void aPacketReportedMissingThenReceivedCountsAsReceived() {
        est.update(0);
        est.sent(10, SIZE, 0);
        est.sent(11, SIZE, MS);
        TransportCcFeedback first = new TransportCcFeedback(10, 0);
        est.sent(12, SIZE, 2 * MS);
        first.add(0, 100); // 10 and 12 received, 11 reported missing between them
        first.add(2, 108);
        est.feedback(parse(first));
        TransportCcFeedback late = new TransportCcFeedback(11, 104);
        late.add(0, 104);
        est.feedback(parse(late));
        SendSideEstimator.Window w = est.update(1000 * MS);
        assertThat(w.loss()).isZero();
        assertThat(w.reported()).isEqualTo(3);
    }

    @Test
    void feedbackForUnknownNumbersIsIgnored() {
        est.update(0);
        TransportCcFeedback fb = new TransportCcFeedback(500, 0);
        fb.add(0, 4);
        fb.add(5, 8);
        est.feedback(parse(fb));
        SendSideEstimator.Window w = est.update(1000 * MS);
        assertThat(w.reported()).isZero();
        assertThat(w.estimateBps()).isEqualTo(-1);
    }

    private static TransportCcFeedback.Report parse(TransportCcFeedback fb) {
        ByteBuf b = fb.write(UnpooledByteBufAllocator.DEFAULT, 1, 2, 0);
        try {
            return TransportCcFeedback.parse(b);
        } finally {
            b.release();
        }
    }
}
