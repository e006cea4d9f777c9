package io.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpContinuityTest {
    private static final long SECOND = 1_000_000_000L;
    private static final StreamDesc DESC = desc(96, 97);

    static StreamDesc desc(int videoPt, int audioPt) {
        return new StreamDesc(List.of(
                new MediaDesc(MediaType.VIDEO, "", List.of(new Format(videoPt, Codec.H264, "H264", 90000, 0,
                        "packetization-mode=1"))),
                new MediaDesc(MediaType.AUDIO, "", List.of(new Format(audioPt, Codec.MPEG4_AUDIO, "mpeg4-generic",
                        48000, 2, "config=1190")))));
    }

    static ByteBuf packet(int pt, int seq, long ts, long ssrc, boolean marker) {
        ByteBuf b = Unpooled.buffer(16);
        b.writeByte(0x80);
        b.writeByte((marker ? 0x80 : 0) | pt);
        b.writeShort(seq);
        b.writeInt((int) ts);
        b.writeInt((int) ssrc);
        b.writeInt(0xdeadbeef);
        return b;
    }

    private static int seq(ByteBuf b) {
        return b.getUnsignedShort(2);
    }

    private static long ts(ByteBuf b) {
        return b.getUnsignedInt(4);
    }

    private static long ssrc(ByteBuf b) {
        return b.getUnsignedInt(8);
    }

    @Test
    void packetsPassUntouchedWhileThePublisherNeverChanged() {
        RtpContinuity c = new RtpContinuity(DESC);
        ByteBuf p = packet(96, 65535, 0xffff_fff0L, 0x1111, true);
        ByteBuf copy = p.copy();
        c.rewrite(0, p, 0);
        ByteBuf q = packet(96, 0, 10, 0x2222, false); // even an SSRC change of the same publisher stays
        c.rewrite(0, q, 1);
        assertThat(p).isEqualTo(copy);
        assertThat(ssrc(q)).isEqualTo(0x2222);
    }

    @Test
    void afterAGapSequenceNumbersGoOnAcrossTheWrapAndTimestampsAddTheTimeAway() {
        RtpContinuity c = new RtpContinuity(DESC);
        c.rewrite(0, packet(96, 65534, 0xffff_ff00L, 0xaaaa, false), 10 * SECOND);
        c.rewrite(0, packet(96, 65535, 0xffff_ff00L, 0xaaaa, true), 10 * SECOND);
        c.gap(DESC, DESC);
        // the new publisher starts with random numbers, 2 s later
        ByteBuf first = packet(96, 1234, 5_000_000L, 0xbbbb, false);
        c.rewrite(0, first, 12 * SECOND);
        assertThat(seq(first)).isZero(); // 65535 + 1 wraps
        assertThat(ts(first)).isEqualTo((0xffff_ff00L + 2 * 90000) & 0xffff_ffffL); // ts wraps too
        assertThat(ssrc(first)).isEqualTo(0xaaaa);
        ByteBuf next = packet(96, 1235, 5_003_000L, 0xbbbb, true);
        c.rewrite(0, next, 12 * SECOND + 33_000_000L);
        assertThat(seq(next)).isEqualTo(1);
        assertThat(ts(next)).isEqualTo((0xffff_ff00L + 2 * 90000 + 3000) & 0xffff_ffffL);
        assertThat((int) next.getUnsignedByte(1)).isEqualTo(0x80 | 96); // marker kept
    }

    @Test
    void aSecondGapContinuesFromTheRewrittenNumbers() {
        RtpContinuity c = new RtpContinuity(DESC);
        c.rewrite(1, packet(97, 100, 1000, 0xa, false), 0);
        c.gap(DESC, DESC);
        ByteBuf b = packet(97, 5000, 777, 0xb, false);
        c.rewrite(1, b, SECOND);
        assertThat(seq(b)).isEqualTo(101);
        assertThat(ts(b)).isEqualTo(1000 + 48000);
        c.gap(DESC, DESC);
        ByteBuf d = packet(97, 9, 42, 0xc, false);
        c.rewrite(1, d, 3 * SECOND);
        assertThat(seq(d)).isEqualTo(102);
        assertThat(ts(d)).isEqualTo(1000 + 48000 + 2 * 48000);
        assertThat(ssrc(d)).isEqualTo(0xa);
    }

    @Test
    void reorderedOldPacketsDoNotMoveTheAnchorBackAndAtLeastOneTickPasses() {
        RtpContinuity c = new RtpContinuity(DESC);
        c.rewrite(0, packet(96, 10, 9000, 1, false), 0);
        c.rewrite(0, packet(96, 12, 12000, 1, false), 0);
        c.rewrite(0, packet(96, 11, 3000, 1, false), 0); // B-frame order / reordering
        c.gap(DESC, DESC);
        ByteBuf b = packet(96, 0, 0, 2, false);
        c.rewrite(0, b, 0); // no time passed by the clock: still one tick later
        assertThat(seq(b)).isEqualTo(13);
        assertThat(ts(b)).isEqualTo(12001);
    }

    @Test
    void payloadTypesOfTheNewPublisherAreMappedBackToTheAnnouncedOnes() {
        RtpContinuity c = new RtpContinuity(DESC);
        c.rewrite(0, packet(96, 1, 1, 1, false), 0);
        c.rewrite(1, packet(97, 1, 1, 1, false), 0);
        c.gap(DESC, desc(100, 101));
        ByteBuf v = packet(100, 50, 50, 9, true);
        ByteBuf a = packet(101, 50, 50, 9, false);
        c.rewrite(0, v, SECOND);
        c.rewrite(1, a, SECOND);
        assertThat((int) v.getUnsignedByte(1)).isEqualTo(0x80 | 96);
        assertThat((int) a.getUnsignedByte(1)).isEqualTo(97);
    }

    @Test
    void aMediaNeverSeenBeforeTheGapIsLeftAlone() {
        RtpContinuity c = new RtpContinuity(DESC);
        c.rewrite(0, packet(96, 1, 1, 1, false), 0);
        c.gap(DESC, DESC);
        ByteBuf a = packet(97, 500, 600, 7, false);
        c.rewrite(1, a, SECOND);
        assertThat(seq(a)).isEqualTo(500);
        assertThat(ts(a)).isEqualTo(600);
        assertThat(ssrc(a)).isEqualTo(7);
    }

    @Test
    void accessUnitsFromNonRtpSourcesMoveWithTheirPackets() {
        RtpContinuity c = new RtpContinuity(DESC);
        c.rewrite(0, packet(96, 1, 3000, 1, false), 0);
        AccessUnit before = new AccessUnit(3000, 1500, List.of(), true);
        assertThat(c.rewrite(0, before)).isSameAs(before);
        c.gap(DESC, DESC);
        c.rewrite(0, packet(96, 1, 0, 2, false), SECOND); // RTMP and MPEG-TS sources restart at 0
        AccessUnit after = c.rewrite(0, new AccessUnit(0, 1500, List.of(), true));
        assertThat(after.rtpTimestamp()).isEqualTo(3000 + 90000);
        assertThat(after.ptsOffset()).isEqualTo(1500);
        assertThat(after.keyframe()).isTrue();
    }
}
