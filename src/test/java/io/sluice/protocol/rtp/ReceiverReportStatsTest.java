package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ReceiverReportStatsTest {
    private static final long T0 = 1_000_000_000_000L;

    @Test
    void silenceCountsFromTheStartUntilTheFirstReport() {
        ReceiverReportStats s = new ReceiverReportStats(new int[] {90000, 48000}, T0);
        assertThat(s.nanosSinceReport(T0 + 3_000_000_000L)).isEqualTo(3_000_000_000L);
        assertThat(s.figures()).containsEntry("receiverReports", 0L).containsEntry("fractionLost", -1.0)
                .containsEntry("packetsLost", -1L).containsEntry("jitterMs", -1.0);
    }

    @Test
    void receiverReportsGiveLossAndJitterOfTheWorstMedia() {
        ReceiverReportStats s = new ReceiverReportStats(new int[] {90000, 48000}, T0);
        // video: 1/256 lost, 3 lost, jitter 900 ticks = 10 ms; audio: 64/256, 7 lost, jitter 48 = 1 ms
        assertThat(onRtcp(s, 0, RtcpReceiverReport.write(Unpooled.buffer().alloc(), 1, 2, 1, 3, 100, 900, 0, 0),
                T0 + 1_000_000_000L)).isTrue();
        assertThat(onRtcp(s, 1, RtcpReceiverReport.write(Unpooled.buffer().alloc(), 1, 3, 64, 7, 100, 48, 0, 0),
                T0 + 2_000_000_000L)).isTrue();
        assertThat(s.nanosSinceReport(T0 + 2_500_000_000L)).isEqualTo(500_000_000L);
        assertThat(s.figures()).containsEntry("receiverReports", 2L).containsEntry("fractionLost", 0.25)
                .containsEntry("packetsLost", 10L).containsEntry("jitterMs", 10.0);
    }

    @Test
    void senderReportWithoutBlocksIsASignOfLifeButNoFigures() {
        ReceiverReportStats s = new ReceiverReportStats(new int[] {90000}, T0);
        assertThat(onRtcp(s, 0, RtcpSenderReport.write(Unpooled.buffer().alloc(), 5, 1, 2, 3, 4), T0 + 5)).isTrue();
        assertThat(s.nanosSinceReport(T0 + 10)).isEqualTo(5);
        assertThat(s.figures()).containsEntry("receiverReports", 1L).containsEntry("packetsLost", -1L);
    }

    @Test
    void duplicatesDoNotShowAsNegativeLoss() {
        ReceiverReportStats s = new ReceiverReportStats(new int[] {90000}, T0);
        onRtcp(s, 0, RtcpReceiverReport.write(Unpooled.buffer().alloc(), 1, 2, 0, -2, 100, 0, 0, 0), T0);
        assertThat(s.figures()).containsEntry("packetsLost", 0L);
    }

    @Test
    void malformedRtcpThrowsAndIsNoSignOfLife() {
        ReceiverReportStats s = new ReceiverReportStats(new int[] {90000}, T0);
        ByteBuf junk = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> s.onRtcp(0, junk, T0 + 1)).isInstanceOf(RtpPacketException.class);
        junk.release();
        assertThat(s.nanosSinceReport(T0 + 7)).isEqualTo(7);
    }

    private static boolean onRtcp(ReceiverReportStats s, int media, ByteBuf b, long now) {
        try {
            return s.onRtcp(media, b, now);
        } finally {
            b.release();
        }
    }
}
