package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TsMuxerTest {
    private static final TsOutStream VIDEO = TsOutStream.video(0x100, TsOutStream.TYPE_H264);
    private static final TsOutStream AUDIO = TsOutStream.audio(0x101, TsOutStream.TYPE_AAC_ADTS);

    /** Runs {@code writes} against a fresh video+audio muxer and parses what it wrote. */
    private static TsTestReader.Result mux(java.util.function.BiConsumer<TsMuxer, ByteBuf> writes) {
        TsMuxer m = new TsMuxer(List.of(VIDEO, AUDIO), 0);
        ByteBuf out = Unpooled.buffer();
        try {
            writes.accept(m, out);
            return TsTestReader.read(ByteBufUtil.getBytes(out));
        } finally {
            out.release();
        }
    }

    private static void pes(TsMuxer m, int stream, long pts, long dts, boolean key, byte[] data, ByteBuf out) {
        ByteBuf p = Unpooled.wrappedBuffer(data);
        m.writePes(stream, pts, dts, key, p, out);
        assertThat(p.readerIndex()).as("payload indexes do not move").isZero();
        p.release();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return b;
    }

    @Test
    void tablesComeFirstWithValidCrcAndDescribeTheProgram() {
        TsTestReader.Result r = mux((m, out) -> pes(m, 1, 90_000, 90_000, true, bytes(10), out));
        assertThat(r.pats()).containsExactly(0);
        assertThat(r.pmts()).containsExactly(1);
        assertThat(r.pcrPid()).isEqualTo(0x100);
        assertThat(r.streams().keySet()).containsExactlyInAnyOrder(0x100, 0x101);
        assertThat(r.streams().get(0x100).streamType()).isEqualTo(0x1B);
        assertThat(r.streams().get(0x101).streamType()).isEqualTo(0x0F);
        // the video PID carries the PCR even before video starts, in a packet of its own
        assertThat(r.pcrs()).singleElement().satisfies(c -> {
            assertThat(c.pid()).isEqualTo(0x100);
            assertThat(c.withPayload()).isFalse();
            assertThat(c.value()).isEqualTo(90_000);
        });
        assertThat(r.pes()).singleElement().satisfies(p -> {
            assertThat(p.data()).isEqualTo(bytes(10));
            assertThat(p.streamId()).isEqualTo(0xC0);
            assertThat(p.randomAccess()).isTrue();
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 100, 169, 170, 171, 172, 175, 176, 177, 183, 184, 353, 354, 355, 356, 5000})
    void everyPayloadSizeIsCutIntoWholePacketsAndComesBackExact(int size) {
        // 184 - 14 header bytes: 170 bytes fill the first packet exactly without adaptation field
        TsTestReader.Result r = mux((m, out) -> {
            pes(m, 1, 90_000, 90_000, false, bytes(size), out);
            pes(m, 1, 91_920, 91_920, false, bytes(size + 1), out);
        });
        assertThat(r.pes()).extracting(TsTestReader.Pes::data).containsExactly(bytes(size), bytes(size + 1));
        assertThat(r.pes()).allSatisfy(p -> assertThat(p.declaredLength()).isEqualTo(8 + p.data().length));
    }

    @Test
    void videoPesLongerThanTheLengthFieldHasLengthZeroButAudioIsRefused() {
        TsTestReader.Result r = mux((m, out) -> {
            pes(m, 0, 93_000, 90_000, true, bytes(70_000), out);
            pes(m, 0, 96_000, 93_000, false, bytes(65_522), out); // with its 13 header bytes: just fits
            pes(m, 0, 99_000, 96_000, false, bytes(65_523), out);
        });
        assertThat(r.pes()).extracting(TsTestReader.Pes::declaredLength).containsExactly(0, 65_535, 0);
        assertThat(r.pes().getFirst().data()).isEqualTo(bytes(70_000));
        assertThat(r.pes().getFirst().dts()).isEqualTo(90_000);
        assertThat(r.pes().getFirst().pts()).isEqualTo(93_000);

        TsMuxer m = new TsMuxer(List.of(VIDEO, AUDIO), 0);
        ByteBuf out = Unpooled.buffer();
        ByteBuf big = Unpooled.wrappedBuffer(bytes(70_000));
        assertThatThrownBy(() -> m.writePes(1, 0, 0, true, big, out)).isInstanceOf(TsMuxException.class)
                .hasMessageContaining("exceeds PES_packet_length 65535");
        assertThat(out.readableBytes()).as("nothing written").isZero();
        big.release();
        out.release();
    }

    @Test
    void continuityCountersRunPerPidAndWrap() {
        // the reader checks every counter; 40 PES of 2 packets each wrap the 4-bit counter several times
        TsTestReader.Result r = mux((m, out) -> IntStream.range(0, 40).forEach(i ->
                pes(m, i % 2, 90_000 + i * 3000L, 90_000 + i * 3000L, i % 20 == 0, bytes(300), out)));
        assertThat(r.pes()).hasSize(40);
    }

    @Test
    void pcrIsInEveryPesOfThePcrPidAndInItsOwnPacketWhenThatPidIsQuiet() {
        TsTestReader.Result r = mux((m, out) -> {
            pes(m, 0, 90_000, 90_000, true, bytes(500), out);
            for (int i = 1; i <= 20; i++) { // 20 audio frames of ~21 ms, no video for 420 ms
                pes(m, 1, 90_000 + i * 1920L, 90_000 + i * 1920L, true, bytes(50), out);
            }
            pes(m, 0, 90_000 + 12 * 3000L, 90_000 + 12 * 3000L, false, bytes(500), out);
        }).checkTiming();
        assertThat(r.pes(0x100)).allSatisfy(p -> assertThat(p.pcr()).isNotNegative());
        assertThat(r.pes(0x101)).allSatisfy(p -> assertThat(p.pcr()).isNegative());
        // a PCR-only packet each time 100 ms (9000 ticks) of audio went by without one; its value stays
        // at the video's last DTS, since the next video unit may come with a DTS just after it
        assertThat(r.pcrs()).filteredOn(c -> !c.withPayload()).hasSize(4)
                .allSatisfy(c -> assertThat(c.value()).isEqualTo(90_000));
        assertThat(r.pcrs().getLast().value()).isEqualTo(90_000 + 12 * 3000L);
    }

    @Test
    void pcrFollowsTheSlowestStreamAndIgnoresOneThatStopped() {
        TsMuxer m = new TsMuxer(List.of(VIDEO, AUDIO), 0);
        ByteBuf out = Unpooled.buffer();
        pes(m, 1, 100_000, 100_000, true, bytes(10), out);
        pes(m, 0, 108_000, 105_000, true, bytes(10), out);
        assertThat(m.pcr()).as("audio is behind video").isEqualTo(100_000);
        pes(m, 1, 101_920, 101_920, true, bytes(10), out);
        assertThat(m.pcr()).isEqualTo(101_920);
        // audio stops: after 1 s it no longer holds the clock back
        for (long t = 108_000; t < 250_000; t += 3000) {
            pes(m, 0, t, t, false, bytes(10), out);
        }
        assertThat(m.pcr()).isGreaterThan(240_000);
        TsTestReader.read(ByteBufUtil.getBytes(out));
        out.release();
    }

    @Test
    void tablesRepeatBeforeVideoKeyframesAndEveryHalfSecond() {
        TsTestReader.Result r = mux((m, out) -> {
            for (int i = 0; i < 90; i++) { // 3 s of video at 30 fps, keyframe every second
                pes(m, 0, 90_000 + i * 3000L, 90_000 + i * 3000L, i % 30 == 0, bytes(1000), out);
            }
        });
        List<Integer> keyframePackets = r.pes().stream().filter(TsTestReader.Pes::randomAccess)
                .map(TsTestReader.Pes::packet).toList();
        assertThat(keyframePackets).hasSize(3).allSatisfy(k -> assertThat(r.pmts()).contains(k - 1));
        // 3 s: keyframes at 0, 1, 2 s and the half-second marks in between
        assertThat(r.pmts()).hasSize(6);
    }

    @Test
    void timestampsAndPcrKeepTheirLow33Bits() {
        long big = (1L << 33) + 12_345;
        TsTestReader.Result r = mux((m, out) -> pes(m, 0, big + 3000, big, true, bytes(10), out));
        assertThat(r.pes().getFirst().pts()).isEqualTo(12_345 + 3000);
        assertThat(r.pes().getFirst().dts()).isEqualTo(12_345);
        assertThat(r.pcrs().getFirst().value()).isEqualTo(12_345);
    }

    @Test
    void refusesProgramsItCannotDescribe() {
        assertThatThrownBy(() -> new TsMuxer(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TsMuxer(List.of(VIDEO, VIDEO), 0)).isInstanceOf(IllegalArgumentException.class);
        List<TsOutStream> many = IntStream.range(0, 40)
                .mapToObj(i -> TsOutStream.audio(0x100 + i, TsOutStream.TYPE_AAC_ADTS)).toList();
        assertThatThrownBy(() -> new TsMuxer(many, 0)).hasMessageContaining("too many elementary streams");
    }
}
