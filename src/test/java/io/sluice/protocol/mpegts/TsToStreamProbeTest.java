package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.stream.Codec;
import io.sluice.stream.Stream;
import io.sluice.stream.Unit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Probing with hand-made streams: a PMT that changes while probing, and the hold limit. */
class TsToStreamProbeTest {
    private static final int PMT_PID = 0x1000;

    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    private final List<String> problems = new ArrayList<>();
    private final TsToStream ingest = new TsToStream(alloc, problems::add);
    private final int[] cc = new int[8192];

    /** One ADTS frame: AAC LC, 44.1 kHz, mono, with {@code payload} bytes after the 7-byte header. */
    private static byte[] adts(int payload, int seed) {
        int length = 7 + payload;
        byte[] f = new byte[length];
        f[0] = (byte) 0xFF;
        f[1] = (byte) 0xF1;
        f[2] = 0x50;
        f[3] = (byte) (0x40 | (length >> 11));
        f[4] = (byte) (length >> 3);
        f[5] = (byte) ((length << 5) | 0x1F);
        f[6] = (byte) 0xFC;
        for (int i = 7; i < length; i++) {
            f[i] = (byte) (seed + i);
        }
        return f;
    }

    private void feed(int pid, byte[] pes) {
        List<byte[]> packets = TsTestData.packets(pid, cc[pid], pes);
        cc[pid] += packets.size();
        probe(TsTestData.concat(packets));
    }

    private void feedSection(int pid, byte[] section) {
        probe(TsTestData.sectionPacket(pid, cc[pid]++ & 15, section));
    }

    private boolean probe(byte[] ts) {
        return ingest.probe(Unpooled.wrappedBuffer(ts), 0);
    }

    @Test
    void pmtChangeWhileProbingKeepsTheTracksThatStay() {
        feedSection(0, TsTestData.pat(1, PMT_PID));
        feedSection(PMT_PID, TsTestData.pmt(1, 0, new int[][] {{0x1B, 0x100}, {0x0F, 0x101}}));
        feed(0x101, TsTestData.pes(0xC0, 90_000, TsTestData.concat(List.of(adts(100, 1), adts(120, 2))), true));
        assertThat(probe(new byte[0])).as("the H.264 track has no SPS yet").isFalse();
        // version 1: the video is gone, Opus is new; the AAC track and its held frames stay
        feedSection(PMT_PID, TsTestData.pmt(1, 1, new int[][] {{0x0F, 0x101}, {0x06, 0x102}}, null, "Opus"));
        assertThat(probe(new byte[0])).isFalse();
        byte[] opus = {0x7F, (byte) 0xE0, 3, (byte) 0xF8, 1, 2};
        feed(0x102, TsTestData.pes(0xBD, 90_000, opus, true));
        assertThat(probe(new byte[0])).isTrue();
        assertThat(ingest.desc().medias()).extracting(m -> m.format().codec()).containsExactly(Codec.MPEG4_AUDIO, Codec.OPUS);
        assertThat(ingest.desc().medias()).extracting(m -> m.format().payloadType()).containsExactly(97, 98);

        List<Long> audio = new ArrayList<>();
        try (Stream stream = TsToStreamRun.streamFor(ingest.desc())) {
            stream.addReader((Unit u) -> {
                if (u.media() == 0) {
                    audio.add(u.timestamp());
                }
            }, false);
            ingest.start(stream);
        }
        assertThat(audio).containsExactly(44_100L, 45_124L);
        assertThat(problems).isEmpty();
        ingest.close();
        assertThat(alloc.metric().usedHeapMemory()).isZero();
    }

    @Test
    void dataBetweenDescAndStartIsHeldToo() {
        feedSection(0, TsTestData.pat(1, PMT_PID));
        feedSection(PMT_PID, TsTestData.pmt(1, 0, new int[][] {{0x0F, 0x101}}));
        feed(0x101, TsTestData.pes(0xC0, 90_000, adts(100, 1), true));
        assertThat(ingest.desc().medias()).hasSize(1);
        feed(0x101, TsTestData.pes(0xC0, 90_000 + 2090, adts(100, 2), true)); // while the server sets up
        List<Long> audio = new ArrayList<>();
        try (Stream stream = TsToStreamRun.streamFor(ingest.desc())) {
            stream.addReader((Unit u) -> audio.add(u.timestamp()), false);
            ingest.start(stream);
            ingest.write(stream, Unpooled.wrappedBuffer(TsTestData.concat(
                    TsTestData.packets(0x101, cc[0x101], TsTestData.pes(0xC0, 90_000 + 4180, adts(100, 3), true)))), 0);
        }
        assertThat(audio).containsExactly(44_100L, 45_124L, 46_148L);
        assertThat(problems).isEmpty();
        ingest.close();
        assertThat(alloc.metric().usedHeapMemory()).isZero();
    }

    @Test
    void holdLimitDropsTheOldestAndExpiresTheProbe() {
        feedSection(0, TsTestData.pat(1, PMT_PID));
        feedSection(PMT_PID, TsTestData.pmt(1, 0, new int[][] {{0x1B, 0x100}, {0x0F, 0x101}}));
        // audio whose PTS does not move (a broken clock) and video without parameter sets
        for (int i = 0; i < 110; i++) {
            List<byte[]> frames = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                frames.add(adts(20, i));
            }
            feed(0x101, TsTestData.pes(0xC0, 90_000, TsTestData.concat(frames), true));
        }
        assertThat(ingest.probeExpired()).isTrue();
        assertThat(problems).containsExactly("more than 1024 access units or 33554432 bytes before the stream could"
                + " start; the oldest are dropped");
        assertThat(ingest.desc().medias()).hasSize(1);
        assertThat(ingest.skipped()).isEqualTo("H264 on PID 0x100: no SPS and PPS while probing; the track is dropped");
        int[] units = {0};
        try (Stream stream = TsToStreamRun.streamFor(ingest.desc())) {
            stream.addReader((Unit u) -> units[0]++, false);
            ingest.start(stream);
        }
        assertThat(units[0]).isEqualTo(TsProbeHold.MAX_UNITS);
        assertThat(ingest.problems()).isEqualTo(1);
        ingest.close();
        assertThat(alloc.metric().usedHeapMemory()).isZero();
    }
}
