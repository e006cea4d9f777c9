package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.protocol.rtp.TransportCcFeedback;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What goes into the transport-cc feedback of a WHIP publisher, and when. */
class TransportCcRecorderTest {
    private static final long MS = 1_000_000L;
    private static final long EPOCH = 1_000 * MS;
    private final TransportCcRecorder rec = new TransportCcRecorder(EPOCH);

    private List<TransportCcFeedback.Report> poll(long nowNanos) {
        List<TransportCcFeedback.Report> out = new ArrayList<>();
        for (ByteBuf b : rec.poll(UnpooledByteBufAllocator.DEFAULT, 0xabcL, nowNanos)) {
            try {
                out.add(TransportCcFeedback.parse(b));
            } finally {
                b.release();
            }
        }
        return out;
    }

    /** Ticks (250 µs) since the epoch. */
    private static long ticks(long nanos) {
        return (nanos - EPOCH) / 250_000;
    }

    @Test
    void reportsArrivalsAndLossesAcrossTheWrap() {
        long t = EPOCH + 70 * MS;
        rec.received(65534, 7, t, 1200);
        rec.received(65535, 7, t + MS, 1200);
        rec.received(0, 7, t + 2 * MS, 1200);
        rec.received(2, 7, t + 5 * MS, 1200); // 1 lost
        rec.received(2, 7, t + 9 * MS, 1200); // a duplicate: the first arrival counts
        List<TransportCcFeedback.Report> fb = poll(t + 10 * MS);
        assertThat(fb).hasSize(1);
        TransportCcFeedback.Report r = fb.getFirst();
        assertThat(r.baseSeq()).isEqualTo(65534);
        assertThat(r.senderSsrc()).isEqualTo(0xabcL);
        assertThat(r.mediaSsrc()).isEqualTo(7);
        assertThat(r.feedbackCount()).isZero();
        assertThat(r.referenceTime()).as("70 ms in 64 ms units").isEqualTo(1);
        assertThat(r.arrivalTicks()).containsExactly(ticks(t), ticks(t + MS), ticks(t + 2 * MS), -1, ticks(t + 5 * MS));
        assertThat(poll(t + 200 * MS)).as("nothing new").isEmpty();
    }

    @Test
    void aLatePacketReopensTheReport() {
        long t = EPOCH;
        rec.received(10, 1, t, 1000);
        rec.received(12, 1, t + MS, 1000);
        assertThat(poll(t + 2 * MS).getFirst().arrivalTicks()).containsExactly(0, -1, 4);
        rec.received(11, 1, t + 3 * MS, 1000);
        rec.received(13, 1, t + 4 * MS, 1000);
        TransportCcFeedback.Report r = poll(t + 200 * MS).getFirst();
        assertThat(r.baseSeq()).isEqualTo(11);
        assertThat(r.feedbackCount()).isEqualTo(1);
        assertThat(r.arrivalTicks()).containsExactly(12, 4, 16);
    }

    @Test
    void keepsTheIntervalWithinFivePercentOfTheBitrate() {
        long t = EPOCH;
        int seq = 0;
        // 1 s at 50 packets/s of 100 bytes = 40 kbit/s: 5 % is 2 kbit/s, so a feedback of ~30 bytes may go
        // out at most every ~120 ms
        for (int i = 0; i < 50; i++) {
            rec.received(seq++, 1, t, 100);
            t += 20 * MS;
            poll(t);
        }
        poll(t);
        assertThat(rec.intervalNanos()).isBetween(100 * MS, TransportCcRecorder.MAX_INTERVAL_NANOS);
        long max = TransportCcRecorder.MAX_INTERVAL_NANOS;
        rec.received(seq++, 1, t, 100);
        assertThat(poll(t + max)).hasSize(1);
        rec.received(seq, 1, t + max, 100);
        assertThat(poll(t + max + 50 * MS)).as("too soon").isEmpty();
        assertThat(poll(t + 2 * max)).hasSize(1);
    }

    @Test
    void fastPublishersGetFeedbackEveryFiftyMilliseconds() {
        long t = EPOCH;
        int seq = 0;
        // 2 Mbit/s
        for (int i = 0; i < 250; i++) {
            rec.received(seq++, 1, t, 1000);
            t += 4 * MS;
            poll(t);
        }
        assertThat(rec.intervalNanos()).isEqualTo(TransportCcRecorder.MIN_INTERVAL_NANOS);
        rec.received(seq++, 1, t, 1000);
        assertThat(poll(t + 50 * MS)).hasSize(1);
        rec.received(seq, 1, t + 50 * MS, 1000);
        assertThat(poll(t + 99_990_000L)).as("a timer tick 10 µs early is still due").hasSize(1);
    }

    @Test
    void aLongSilenceSplitsTheFeedback() {
        long t = EPOCH;
        rec.received(1, 1, t, 1000);
        rec.received(2, 1, t + 10_000 * MS, 1000); // 10 s later: beyond a 16-bit delta of 250 µs
        List<TransportCcFeedback.Report> fb = poll(t + 10_001 * MS);
        assertThat(fb).hasSize(2);
        assertThat(fb.get(0).baseSeq()).isEqualTo(1);
        assertThat(fb.get(1).baseSeq()).isEqualTo(2);
        assertThat(fb.get(1).feedbackCount()).isEqualTo(1);
        assertThat(fb.get(1).arrivalTicks()).containsExactly(ticks(t + 10_000 * MS));
    }
}
