package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.sluice.stream.Codec;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.StreamReader;
import io.sluice.stream.Unit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe/start/write/flush shape every MPEG-TS input shares, fed a real ffmpeg capture in SRT-sized chunks. */
class TsPublishingTest {
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
    private final List<StreamDesc> started = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /** Counts the units and the flushes a reader sees. */
    private static final class Counting implements StreamReader {
        int units;
        int batchEnds;

        @Override
        public void onUnit(Unit u) {
            units++;
        }

        @Override
        public void onBatchEnd() {
            batchEnds++;
        }
    }

    private void feedAll(TsPublishing p, byte[] ts, int chunksPerBatch) {
        List<ByteBuf> chunks = new ArrayList<>();
        TsTestData.feed(ts, TsTestData.SRT_CHUNK, b -> chunks.add(Unpooled.copiedBuffer(b)));
        for (int i = 0; i < chunks.size(); i++) {
            ByteBuf b = chunks.get(i);
            p.feed(b, i);
            assertThat(b.refCnt()).as("the caller's buffer").isEqualTo(1);
            assertThat(b.readerIndex()).as("input not consumed").isZero();
            b.release();
            if (i % chunksPerBatch == chunksPerBatch - 1) {
                p.batchEnd();
            }
        }
        p.batchEnd();
    }

    @Test
    void startsOnceWithTheProbedTracksThenWritesAndFlushesPerBatch() {
        Counting reader = new Counting();
        Stream[] stream = new Stream[1];
        TsPublishing p = new TsPublishing(alloc, (desc, skipped) -> {
            started.add(desc);
            stream[0] = new Stream(desc, i -> null);
            stream[0].addReader(reader, false);
            return stream[0];
        }, (count, latest) -> problems.add(count + " " + latest));
        feedAll(p, TsTestData.capture("ffmpeg51-h264-aac.ts"), 4);
        assertThat(started).hasSize(1);
        assertThat(started.getFirst().medias()).extracting(m -> m.format().codec())
                .containsExactly(Codec.H264, Codec.MPEG4_AUDIO);
        assertThat(p.started()).isTrue();
        assertThat(p.refused()).isFalse();
        assertThat(reader.units).as("units written, those held while probing first").isGreaterThan(100);
        assertThat(reader.batchEnds).as("one flush per batch that wrote, not per chunk").isPositive()
                .isLessThan(reader.units);
        assertThat(problems).isEmpty();
        p.close();
        stream[0].close();
    }

    @Test
    void refusedStreamIgnoresTheRest() {
        int[] calls = {0};
        TsPublishing p = new TsPublishing(alloc, (desc, skipped) -> {
            calls[0]++;
            return null;
        }, (count, latest) -> problems.add(latest));
        feedAll(p, TsTestData.capture("ffmpeg51-h264-aac.ts"), 1);
        assertThat(calls[0]).as("asked once").isOne();
        assertThat(p.refused()).isTrue();
        assertThat(p.started()).isFalse();
        p.close();
    }

    @Test
    void malformedInputIsReportedAtMostOncePerSecond() {
        TsPublishing p = new TsPublishing(alloc, (desc, skipped) -> null, (count, latest) -> problems.add(latest));
        // garbage, then two null packets to resync on: one lost-sync problem per round
        byte[] round = new byte[188 * 3];
        for (int k = 1; k <= 2; k++) {
            round[188 * k] = 0x47;
            round[188 * k + 1] = 0x1F;
            round[188 * k + 2] = (byte) 0xFF;
            round[188 * k + 3] = 0x10;
        }
        for (int i = 0; i < 50; i++) {
            p.feed(Unpooled.wrappedBuffer(round), i);
        }
        assertThat(p.problems()).isGreaterThan(10);
        assertThat(problems).as("rate-limited reports").hasSize(1);
        p.close();
    }
}
