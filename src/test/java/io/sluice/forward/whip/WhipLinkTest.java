package io.sluice.forward.whip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.rtp.RtcpPacket;
import io.sluice.protocol.rtp.SendSideEstimator;
import io.sluice.stream.Unit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The slow-link decision and its hysteresis, driven by receiver reports, REMB and the local queue. */
class WhipLinkTest {
    private static final long SEC = 1_000_000_000L;
    private static final long OURS = 42;
    private final KeyframeOnlyGate gate = new KeyframeOnlyGate(0);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger keyframeRequests = new AtomicInteger();
    private long now;
    private final WhipLink link = new WhipLink("[test]", Set.of(OURS), null, gate, sent::get, queued::get, 100,
            keyframeRequests::incrementAndGet, LoggerFactory.getLogger(WhipLinkTest.class));

    private void rr(double loss, long ssrc) {
        RtcpPacket.ReportBlock b = new RtcpPacket.ReportBlock(ssrc, (int) Math.round(loss * 256), 0, 0, 0, 0, 0);
        link.onRtcp(Unpooled.EMPTY_BUFFER, List.of(new RtcpPacket.ReceiverReport(7, List.of(b))));
    }

    private void ticks(int n) {
        for (int i = 0; i < n; i++) {
            sent.addAndGet(125_000); // 1 Mbit/s
            now += SEC;
            link.tick(now);
        }
    }

    @Test
    void lossOverTenPercentForTwoTicksGoesKeyframeOnlyThenBackAfterTheHold() {
        ticks(1);
        rr(0.2, OURS);
        ticks(1);
        assertThat(gate.keyframesOnly()).isFalse();
        ticks(1);
        assertThat(gate.keyframesOnly()).isTrue();
        assertThat(link.figures()).containsEntry("slowLinkCause", WhipLink.Cause.LOSS.ordinal())
                .containsEntry("lossPercent", 19.9).containsEntry("sendKbps", 1000L)
                .containsEntry("keyframeOnly", 1).containsEntry("keyframeOnlyEntries", 1L);
        rr(0, OURS);
        ticks(WhipLink.HOLD_TICKS - 1);
        assertThat(gate.keyframesOnly()).isTrue();
        ticks(1);
        assertThat(gate.keyframesOnly()).isFalse();
        assertThat(keyframeRequests).as("resuming asks the publisher for a keyframe").hasValue(1);
    }

    @Test
    void aRelapseSoonAfterResumingDoublesTheHold() {
        rr(0.3, OURS);
        ticks(3);
        rr(0, OURS);
        ticks(WhipLink.HOLD_TICKS);
        assertThat(gate.keyframesOnly()).isFalse();
        rr(0.3, OURS);
        ticks(2);
        assertThat(gate.keyframesOnly()).isTrue();
        rr(0, OURS);
        ticks(WhipLink.HOLD_TICKS);
        assertThat(gate.keyframesOnly()).as("hold is now twice as long").isTrue();
        ticks(WhipLink.HOLD_TICKS);
        assertThat(gate.keyframesOnly()).isFalse();
    }

    @Test
    void reportsAboutOtherSourcesAreNotOurs() {
        rr(0.5, 99);
        ticks(4);
        assertThat(gate.keyframesOnly()).isFalse();
        assertThat(link.figures()).containsEntry("lossPercent", -1.0);
    }

    @Test
    void rembBelowWhatTheStreamNeedsIsASlowLink() {
        link.onRtcp(Unpooled.EMPTY_BUFFER, List.of(new RtcpPacket.Remb(7, 100_000, List.of(OURS))));
        // the stream offers 1 Mbit/s to the gate; the remote says it takes 100 kbit/s
        for (int i = 0; i < 3; i++) {
            offerVideo(125_000);
            now += SEC;
            link.tick(now);
        }
        assertThat(gate.keyframesOnly()).isTrue();
        assertThat(link.figures()).containsEntry("estimateKbps", 100L)
                .containsEntry("slowLinkCause", WhipLink.Cause.REMB.ordinal());
    }

    @Test
    void aLocalQueueOverHalfFullIsASlowLink() {
        queued.set(60);
        ticks(3);
        assertThat(gate.keyframesOnly()).isTrue();
        assertThat(link.figures()).containsEntry("slowLinkCause", WhipLink.Cause.LOCAL_QUEUE.ordinal());
    }

    @Test
    void withTransportCcTheEstimatorsFiguresAreShown() {
        SendSideEstimator est = new SendSideEstimator();
        WhipLink twcc = new WhipLink("[test]", Set.of(OURS), est, gate, sent::get, queued::get, 100, () -> { },
                LoggerFactory.getLogger(WhipLinkTest.class));
        twcc.tick(0);
        assertThat(twcc.figures()).containsEntry("transportCc", 1).containsEntry("estimateKbps", -1L);
    }

    private void offerVideo(int bytes) {
        ByteBuf rtp = Unpooled.buffer(bytes).writeByte(0x80).writeByte(96).writeShort(1)
                .writeInt((int) now).writeInt(1).writeZero(bytes - 12);
        Unit u = new Unit(0, rtp, 0, true);
        gate.pass(u);
        u.release();
    }
}
