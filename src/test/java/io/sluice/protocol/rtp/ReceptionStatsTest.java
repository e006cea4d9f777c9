package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReceptionStatsTest {

    private static final int RATE = 90_000;
    private static final long FRAME_NANOS = 40_000_000L; // 25 fps: a whole number of 90 kHz ticks (3600)
    private static final long T0 = 5_000_000_000_000L; // an arbitrary nanoTime

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final ReceptionStats stats = new ReceptionStats(0xabcdL);

    /** Packet {@code i} of a 25 fps stream starting at seq 65530, arriving {@code lateNanos} after its due time. */
    private void receive(int i, long lateNanos) {
        stats.received((65530 + i) & 0xffff, 1_000_000L + 3600L * i, T0 + i * FRAME_NANOS + lateNanos, RATE);
    }

    private RtcpPacket.ReportBlock report(long nowNanos) {
        ByteBuf b = stats.receiverReport(alloc, 0x5151, nowNanos);
        try {
            RtcpPacket.ReceiverReport rr = (RtcpPacket.ReceiverReport) RtcpPacket.parseCompound(b).getFirst();
            assertThat(rr.ssrc()).isEqualTo(0x5151);
            return rr.reports().getFirst();
        } finally {
            b.release();
        }
    }

    @Test
    void noReportBeforeThefirstPacket() {
        assertThat(stats.receiverReport(alloc, 1, T0)).isNull();
        assertThat(stats.missing(100)).isEmpty();
    }

    @Test
    void lossReorderingAndWrap() {
        for (int i = 0; i < 6; i++) {
            receive(i, 0); // 65530..65535
        }
        receive(8, 0); // 2: 0 and 1 missing across the wrap
        receive(9, 0);
        assertThat(stats.missing(100)).containsExactly(0, 1);
        assertThat(stats.missing(2)).isEmpty(); // only 2..3 are that recent
        receive(7, 0); // 1 arrives reordered
        assertThat(stats.missing(100)).containsExactly(0);
        receive(10, 0);
        receive(11, 0);

        RtcpPacket.ReportBlock rb = report(T0);
        assertThat(rb.ssrc()).isEqualTo(0xabcdL);
        assertThat(rb.highestSeq()).isEqualTo(0x1_0005L); // one wrap, then seq 5
        assertThat(rb.cumulativeLost()).isEqualTo(1);
        assertThat(rb.fractionLost()).isEqualTo(256 / 12);
        assertThat(rb.jitter()).isZero();
        assertThat(rb.lsr()).isZero();
        assertThat(rb.dlsr()).isZero();

        receive(12, 0);
        assertThat(report(T0).fractionLost()).isZero(); // a new interval
        alloc.assertAllReleased();
    }

    @Test
    void aMissingPacketIsNackedAtMostThreeTimes() {
        receive(0, 0);
        receive(3, 0);
        for (int round = 0; round < ReceptionStats.MAX_NACKS; round++) {
            assertThat(stats.missing(100)).containsExactly(65531, 65532);
            stats.nacked(List.of(65531, 65532));
        }
        assertThat(stats.missing(100)).isEmpty();
    }

    @Test
    void aRetransmissionFarBehindIsRecoveredNotARestart() {
        receive(0, 0);
        receive(2, 0);
        for (int i = 3; i < 500; i++) {
            receive(i, 0);
        }
        assertThat(stats.missing(ReceptionStats.WINDOW)).containsExactly(65531);
        // 498 packets late: beyond RtpSequenceTracker.MAX_MISORDER, yet the packet Sluice asked for
        receive(1, 498 * FRAME_NANOS);
        assertThat(stats.missing(ReceptionStats.WINDOW)).isEmpty();
        RtcpPacket.ReportBlock rb = report(T0);
        assertThat(rb.cumulativeLost()).isZero();
        assertThat(rb.highestSeq()).isEqualTo(65530 + 499L);
        assertThat(rb.jitter()).as("late packets do not count for jitter").isZero();
    }

    @Test
    void jitterFollowsRfc3550() {
        receive(0, 0);
        receive(1, 10_000_000); // 10 ms late: |D| = 900 ticks
        receive(2, 0); // on time again: |D| = 900
        // J = 900/16 = 56.25, then 56.25 + (900 - 56.25) / 16 = 108.98 (the tracker keeps J*16 as in §A.8)
        assertThat(report(T0).jitter()).isEqualTo(109);
    }

    @Test
    void lastSenderReportFields() {
        receive(0, 0);
        long ntp = NtpTime.fromUnixMillis(1_767_225_600_000L);
        stats.senderReport(ntp, T0);
        RtcpPacket.ReportBlock rb = report(T0 + 500_000_000L);
        assertThat(rb.lsr()).isEqualTo(NtpTime.middle32(ntp));
        assertThat(rb.dlsr()).isEqualTo(32768); // 0.5 s in 1/65536 s
    }

    @Test
    void aRestartForgetsTheMissingPackets() {
        receive(0, 0);
        receive(2, 0);
        assertThat(stats.missing(100)).containsExactly(65531);
        stats.received(30_000, 0, T0, RATE); // a jump beyond MAX_DROPOUT: the sender restarted
        assertThat(stats.missing(100)).isEmpty();
        stats.received(30_002, 0, T0, RATE);
        assertThat(stats.missing(100)).containsExactly(30_001);
    }
}
