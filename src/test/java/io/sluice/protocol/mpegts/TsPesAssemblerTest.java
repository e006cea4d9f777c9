package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When a PES ends: at its length, at a stuffed packet (the latency rule for unbounded video PES), or
 * at the next payload_unit_start_indicator; and what a PES cut short becomes.
 */
class TsPesAssemblerTest {
    private static final int PID = 0x100;

    private final List<String> problems = new ArrayList<>();
    private final List<PesPacket> out = new ArrayList<>();
    private final PesAssembler assembler = new PesAssembler(PID, TsDemuxerTest.ALLOC, problems::add);

    private void push(byte[] packet) {
        var buf = Unpooled.wrappedBuffer(packet);
        assembler.push(TsPacket.parse(buf, 0), buf, out::add);
    }

    private static byte[] frame(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        b[0] = 0;
        b[1] = 0;
        b[2] = 1;
        return b;
    }

    /** The data of the i-th PES out, which is released and removed. */
    private byte[] taken(int i) {
        PesPacket p = out.remove(i);
        byte[] b = ByteBufUtil.getBytes(p.data());
        p.release();
        return b;
    }

    @Test
    void unboundedPesEndsAtItsStuffedLastPacketWithoutWaitingForTheNext() {
        byte[] f = frame(500, 1);
        List<byte[]> packets = TsTestData.packets(PID, 0, TsTestData.pes(0xE0, 9000, f, false));
        assertThat(packets).hasSize(3);
        push(packets.get(0));
        push(packets.get(1));
        assertThat(out).isEmpty();
        push(packets.get(2)); // stuffed: the muxer says the PES ends here
        assertThat(out).hasSize(1);
        assertThat(out.getFirst().pts()).isEqualTo(9000);
        assertThat(taken(0)).isEqualTo(f);
        assertThat(problems).isEmpty();
        assertThat(assembler.endsAtStuffing()).isTrue();
    }

    @ParameterizedTest(name = "last packet with {0} payload bytes")
    @ValueSource(ints = {183, 182, 181, 1})
    void anyPaddingOfTheLastPacketEndsThePes(int lastPayload) {
        // 183: adaptation_field_length 0 (one stuffing byte); 182: an empty flags byte; 181: one 0xFF
        byte[] f = frame(184 - 14 + lastPayload, 13);
        List<byte[]> packets = TsTestData.packets(PID, 0, TsTestData.pes(0xE0, 9000, f, false));
        assertThat(packets).hasSize(2);
        packets.forEach(this::push);
        assertThat(out).hasSize(1);
        assertThat(taken(0)).isEqualTo(f);
    }

    @Test
    void unboundedPesInOnePacketEndsAtOnce() {
        byte[] f = frame(100, 2);
        push(TsTestData.packets(PID, 0, TsTestData.pes(0xE0, 9000, f, false)).getFirst());
        assertThat(out).hasSize(1);
        assertThat(taken(0)).isEqualTo(f);
    }

    @Test
    void pesThatGoesOnAfterStuffingTurnsTheRuleOff() {
        // a muxer that stuffs packets in the middle of a PES: the rule ends it early once
        byte[] pes = TsTestData.pes(0xE0, 9000, frame(300, 4), false);
        push(TsTestData.packet(PID, true, 0, Arrays.copyOfRange(pes, 0, 100)));
        assertThat(out).hasSize(1);
        assertThat(taken(0)).hasSize(100 - 14);
        assertThat(assembler.endsAtStuffing()).as("until a packet proves it wrong").isTrue();
        push(TsTestData.packet(PID, false, 1, Arrays.copyOfRange(pes, 100, 200)));
        push(TsTestData.packet(PID, false, 2, Arrays.copyOfRange(pes, 200, pes.length)));
        assertThat(problems).hasSize(1).first().asString().contains("PES went on after a stuffed packet");
        assertThat(assembler.endsAtStuffing()).isFalse();
        assertThat(out).as("the rest of that PES is dropped").isEmpty();

        byte[] f = frame(300, 5);
        List<byte[]> next = TsTestData.packets(PID, 3, TsTestData.pes(0xE0, 12600, f, false));
        next.forEach(this::push);
        assertThat(out).as("stuffing no longer ends a PES").isEmpty();
        TsTestData.packets(PID, 5, TsTestData.pes(0xE0, 16200, frame(50, 6), false)).forEach(this::push);
        assertThat(out).hasSize(1);
        assertThat(out.getFirst().pts()).isEqualTo(12600);
        assertThat(taken(0)).isEqualTo(f);
        assertThat(problems).hasSize(1);
        assembler.close();
    }

    @Test
    void boundedPesEndsAtItsLengthEvenWithoutStuffing() {
        byte[] f = frame(2 * 184 - 14, 7); // fills two packets exactly: no stuffing anywhere
        List<byte[]> packets = TsTestData.packets(PID, 0, TsTestData.pes(0xC0, 9000, f, true));
        assertThat(packets).hasSize(2);
        push(packets.get(0));
        assertThat(out).isEmpty();
        push(packets.get(1));
        assertThat(out).hasSize(1);
        assertThat(taken(0)).isEqualTo(f);
    }

    @Test
    void unboundedPesWithoutStuffingEndsAtTheNextStart() {
        byte[] f = frame(2 * 184 - 14, 8);
        TsTestData.packets(PID, 0, TsTestData.pes(0xE0, 9000, f, false)).forEach(this::push);
        assertThat(out).isEmpty();
        TsTestData.packets(PID, 2, TsTestData.pes(0xE0, 12600, frame(2 * 184 - 14, 9), false)).forEach(this::push);
        assertThat(out).hasSize(1);
        assertThat(taken(0)).isEqualTo(f);
        assembler.close();
    }

    @Test
    void boundedPesCutShortByTheNextIsDropped() {
        List<byte[]> packets = TsTestData.packets(PID, 0, TsTestData.pes(0xC0, 9000, frame(400, 10), true));
        push(packets.get(0));
        push(packets.get(1)); // the third packet never comes
        byte[] f = frame(100, 11);
        push(TsTestData.packets(PID, 2, TsTestData.pes(0xC0, 12600, f, true)).getFirst());
        assertThat(problems).hasSize(1).first().asString().contains("truncated PES dropped (368 of 414 bytes)");
        assertThat(out).hasSize(1);
        assertThat(taken(0)).isEqualTo(f);
    }

    @Test
    void lossDropsThePesInProgressUntilTheNextStart() {
        List<byte[]> packets = TsTestData.packets(PID, 0, TsTestData.pes(0xE0, 9000, frame(500, 12), false));
        push(packets.get(0));
        assembler.lost();
        push(packets.get(2));
        assertThat(out).isEmpty();
        assertThat(problems).as("the demuxer reports the gap itself").isEmpty();
        assertThat(assembler.endsAtStuffing()).isTrue();
    }

    @Test
    void ffmpegVideoPesAreDeliveredAtTheirLastPacket() {
        // the latency rule on real FFmpeg output: each PES is out before the next one starts
        byte[] ts = TsTestData.capture("ffmpeg51-h264-aac.ts");
        List<Integer> videoPackets = TsTestData.packetsOf(ts, 0x100);
        List<Integer> deliveredAt = new ArrayList<>();
        int[] current = {0};
        TsDemuxer d = new TsDemuxer(TsDemuxerTest.ALLOC, problems::add, new TsDemuxer.Listener() {
            @Override
            public void onPmt(TsPmt pmt) {
            }

            @Override
            public void onPes(TsElementaryStream stream, PesPacket pes) {
                if (stream.pid() == 0x100) {
                    deliveredAt.add(current[0]);
                }
                pes.release();
            }
        });
        for (int i = 0; i < ts.length / 188; i++) {
            current[0] = i;
            d.feed(Unpooled.wrappedBuffer(ts, i * 188, 188));
        }
        d.close();
        assertThat(deliveredAt).hasSize(50);
        for (int at : deliveredAt) {
            int next = videoPackets.indexOf(at) + 1;
            assertThat(videoPackets.get(next - 1)).as("delivered on a video packet").isEqualTo(at);
            assertThat(next == videoPackets.size() || isPusi(ts, videoPackets.get(next))
                    || !hasPayload(ts, videoPackets.get(next))).as("packet %d ends its PES", at).isTrue();
        }
        assertThat(problems).isEmpty();
    }

    private static boolean isPusi(byte[] ts, int packet) {
        return (ts[packet * 188 + 1] & 0x40) != 0;
    }

    private static boolean hasPayload(byte[] ts, int packet) {
        return (ts[packet * 188 + 3] & 0x10) != 0;
    }
}
