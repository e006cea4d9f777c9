package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.SenderClock;
import io.sluice.stream.Unit;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SenderReportsTest {
    private static final long NTP = (3_900_000_000L << 32) | 0x4000_0000L;
    private static final long NOW = 1_796_601_600_000_000_000L;

    @Test
    void withoutAnyMappingUsesTheWallClock() {
        assertThat(SenderReports.ntpFor(null, 0, 1234, NOW)).isEqualTo(NtpTime.fromUnixNanos(NOW));
        assertThat(SenderReports.ntpFor(new SenderClock(2), 1, 1234, NOW)).isEqualTo(NtpTime.fromUnixNanos(NOW));
    }

    @Test
    void usesThePublishersMapping() {
        SenderClock c = new SenderClock(2);
        c.set(0, new SenderClock.Mapping(NTP, 90_000, 90000));
        assertThat(SenderReports.ntpFor(c, 0, 180_000, NOW)).isEqualTo(NTP + (1L << 32));
    }

    @Test
    void holdsAMediaWithoutMappingWhileAnotherHasOne() {
        SenderClock c = new SenderClock(2);
        c.set(0, new SenderClock.Mapping(NTP, 0, 90000));
        assertThat(SenderReports.ntpFor(c, 1, 1234, NOW)).isEqualTo(SenderReports.HOLD);
    }

    @Test
    void reportCarriesAudioVideoOffsetOfThePublisher() {
        // publisher: video ts 9000 and audio ts 4800 both at NTP; audio 200 ms ahead means audio ts
        // 4800 + 9600 plays at the same instant as video 9000 + 0.
        SenderClock c = new SenderClock(2);
        long audioAhead = (long) (0.2 * (1L << 32));
        c.set(0, new SenderClock.Mapping(NTP, 9000, 90000));
        c.set(1, new SenderClock.Mapping(NTP - audioAhead, 4800, 48000));
        SenderReports r = new SenderReports(new int[] {90000, 48000}, c);
        Unit v = unit(0, 9000 + 90000, 0x1111);
        Unit a = unit(1, 4800 + 48000, 0x2222);
        r.sent(v);
        r.sent(a);
        v.release();
        a.release();
        var video = parse(r.report(0, Unpooled.buffer().alloc()));
        var audio = parse(r.report(1, Unpooled.buffer().alloc()));
        // map both SRs back to the NTP time of media time 0 of each, and compare
        double v0 = ntpSeconds(video.ntpTime()) - ((video.rtpTimestamp() - 9000) & 0xffffffffL) / 90000.0;
        double a0 = ntpSeconds(audio.ntpTime()) - ((audio.rtpTimestamp() - 4800) & 0xffffffffL) / 48000.0;
        assertThat(v0 - a0).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-6));
    }

    private static double ntpSeconds(long ntp) {
        return (ntp >>> 32) + (ntp & 0xffffffffL) / 4294967296.0;
    }

    private static RtcpPacket.SenderReport parse(ByteBuf b) {
        try {
            List<RtcpPacket> p = RtcpPacket.parseCompound(b);
            return (RtcpPacket.SenderReport) p.getFirst();
        } finally {
            b.release();
        }
    }

    private static Unit unit(int media, long ts, long ssrc) {
        ByteBuf b = Unpooled.buffer(20);
        b.writeByte(0x80).writeByte(96).writeShort(1).writeInt((int) ts).writeInt((int) ssrc).writeZero(8);
        return new Unit(media, b, System.nanoTime(), false);
    }
}
