package io.sluice.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.sluice.conf.GopCacheConf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A reader joining mid-GOP gets the whole cached GOP and then the live stream, with no gap and no
 * duplicate, without the publisher waiting for it: the field case of a 5-10 s GOP at up to 20 Mbit/s.
 */
@Timeout(30)
class GopJoinTest {
    /** 20 Mbit/s in 1,200-byte packets at 30 fps: ~69 packets per frame. */
    private static final int PACKET = 1200;
    private static final int FPS = 30;
    private static final int PACKETS_PER_FRAME = 20_000_000 / 8 / PACKET / FPS;

    private final DefaultEventLoop readerLoop = new DefaultEventLoop();
    private final List<ByteBuf> sent = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        readerLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await();
    }

    /**
     * A sink that takes nothing while gated, then takes {@code burst} units per writability window,
     * becoming writable again a little later (as a socket whose send buffer drains). Records the index
     * each packet carries.
     */
    static final class SlowSink implements ReaderQueue.Sink {
        final List<Integer> indexes = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Boolean> keyframes = java.util.Collections.synchronizedList(new ArrayList<>());
        private final DefaultEventLoop loop;
        private final int burst;
        volatile boolean gated = true;
        private int inWindow;
        private boolean writable = true;
        ReaderQueue queue;

        SlowSink(DefaultEventLoop loop, int burst) {
            this.loop = loop;
            this.burst = burst;
        }

        @Override
        public boolean isWritable() {
            return !gated && writable;
        }

        @Override
        public void write(Unit unit) {
            indexes.add(unit.rtp().getInt(unit.rtp().readerIndex() + 16));
            keyframes.add(unit.keyframe());
            if (++inWindow >= burst) {
                inWindow = 0;
                writable = false;
                loop.schedule(() -> {
                    writable = true;
                    queue.drain(); // the owner's channelWritabilityChanged
                }, 200, TimeUnit.MICROSECONDS);
            }
        }

        @Override
        public void flush() {
        }

        void open() throws Exception {
            loop.submit(() -> {
                gated = false;
                queue.drain();
            }).get(5, TimeUnit.SECONDS);
        }
    }

    /** A video packet of {@link #PACKET} bytes carrying {@code index} at payload offset 4. */
    private ByteBuf video(int index, int frame, boolean idr) {
        ByteBuf b = Unpooled.buffer(PACKET);
        b.writeByte(0x80).writeByte(96).writeShort(index & 0xffff).writeInt(frame * (90000 / FPS)).writeInt(0x1234);
        b.writeByte(idr ? 0x65 : 0x41).writeMedium(0).writeInt(index);
        b.writerIndex(PACKET);
        sent.add(b);
        return b;
    }

    private static Stream stream(GopCacheConf limits) {
        return new Stream(TestPackets.videoAudio(), i -> i == 0 ? TestPackets.h264Test() : null, i -> null, limits);
    }

    /** Writes frames [from, to) of which frame {@code keyframe} (if in range) is an IDR; returns the next index. */
    private int writeFrames(Stream s, int index, int from, int to, int keyframe) {
        for (int f = from; f < to; f++) {
            for (int p = 0; p < PACKETS_PER_FRAME; p++) {
                s.write(0, video(index++, f, f == keyframe && p == 0), 0);
            }
            s.batchEnd();
        }
        return index;
    }

    private ReaderQueue reader(SlowSink sink, int capacity) {
        ReaderQueue q = new ReaderQueue("test", readerLoop, capacity, 0, true, sink, LoggerFactory.getLogger("test"));
        sink.queue = q;
        return q;
    }

    private static void awaitWritten(SlowSink sink, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sink.indexes.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void tenSecondGopAt20MbpsReachesASlowReaderWholeThenLive() throws Exception {
        Stream s = stream(GopCacheConf.DEFAULT);
        // 1 s of a previous GOP, then 10 s of the GOP the reader joins (keyframe at frame 30)
        int index = writeFrames(s, 0, 0, 30, 0);
        int keyframeIndex = index;
        index = writeFrames(s, index, 30, 30 + 10 * FPS, 30);
        int gopPackets = index - keyframeIndex;
        assertThat(s.gopCacheStats().packets()).isEqualTo(gopPackets);
        assertThat(gopPackets).as("far more than the live queue's 512").isGreaterThan(20_000);

        SlowSink sink = new SlowSink(readerLoop, 100);
        ReaderQueue q = reader(sink, 512);
        s.addReader(q, true);
        // The sink takes nothing yet: the publisher must still get through 2 s of live frames and a
        // new keyframe without waiting and without the reader dropping any of it.
        int liveFrom = index;
        index = writeFrames(s, index, 330, 330 + 2 * FPS, 330);
        assertThat(sink.indexes).as("the publisher finished while the reader sent nothing").isEmpty();
        assertThat(q.catchingUp()).isTrue();

        sink.open();
        awaitWritten(sink, index - keyframeIndex);
        // caught up: the next units go through the live path (fewer than the queue's 512: the
        // test thread writes far faster than real time)
        index = writeFrames(s, index, 390, 395, -1);
        awaitWritten(sink, index - keyframeIndex);

        List<Integer> expected = new ArrayList<>();
        for (int i = keyframeIndex; i < index; i++) {
            expected.add(i);
        }
        assertThat(List.copyOf(sink.indexes)).as("whole GOP then live, in order, none missing or repeated")
                .hasSize(expected.size()).isEqualTo(expected);
        assertThat(sink.keyframes.get(0)).isTrue();
        assertThat(q.replayed()).isEqualTo(gopPackets);
        assertThat(q.dropped()).isZero();
        assertThat(q.catchingUp()).isFalse();
        assertThat(liveFrom - keyframeIndex).isEqualTo(gopPackets);

        s.removeReader(q);
        q.close();
        s.close();
        readerLoop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertThat(sent).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    /** A UDP-like sink: always writable, never pushes back, so the GOP is paced by the queue. */
    static final class UdpLikeSink implements ReaderQueue.Sink {
        final List<Integer> indexes = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void write(Unit unit) {
            indexes.add(unit.rtp().getInt(unit.rtp().readerIndex() + 16));
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean pushesBack() {
            return false;
        }
    }

    @Test
    void aSinkWithoutBackpressureGetsTheGopPacedAndThenLiveInOrder() throws Exception {
        Stream s = stream(GopCacheConf.DEFAULT);
        int index = writeFrames(s, 0, 0, 20, 0); // 1,380 packets
        UdpLikeSink sink = new UdpLikeSink();
        ReaderQueue q = new ReaderQueue("udp", readerLoop, 512, 0, true, sink, LoggerFactory.getLogger("test"));
        s.addReader(q, true);
        index = writeFrames(s, index, 20, 25, -1); // live while the GOP goes out (paced: 8 per ms)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sink.indexes.size() < index && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(List.copyOf(sink.indexes)).isEqualTo(java.util.stream.IntStream.range(0, index).boxed().toList());
        assertThat(q.dropped()).isZero();
        s.removeReader(q);
        q.close();
        s.close();
    }

    @Test
    void aReaderThatFallsBehindOnceLiveStillDropsAndResumesAtAKeyframe() throws Exception {
        Stream s = stream(GopCacheConf.DEFAULT);
        int index = writeFrames(s, 0, 0, 10, 0);
        SlowSink sink = new SlowSink(readerLoop, 1_000_000);
        ReaderQueue q = reader(sink, 100);
        s.addReader(q, true);
        sink.open();
        awaitWritten(sink, index);
        readerLoop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertThat(q.catchingUp()).isFalse();

        sink.gated = true; // the socket stops taking anything
        int before = index;
        index = writeFrames(s, index, 10, 12, -1); // 2 frames: more than 100 packets
        assertThat(q.dropped()).as("a live reader still has a packet limit").isPositive();
        sink.open();
        awaitWritten(sink, before + 100);
        index = writeFrames(s, index, 12, 13, -1); // skipped: waiting for a keyframe
        int keyframeIndex = index;
        index = writeFrames(s, index, 13, 14, 13);
        awaitWritten(sink, before + 100 + (index - keyframeIndex));

        List<Integer> got = List.copyOf(sink.indexes);
        assertThat(got.subList(0, before + 100)).as("the GOP, then what fitted the queue")
                .isEqualTo(java.util.stream.IntStream.range(0, before + 100).boxed().toList());
        assertThat(got.get(before + 100)).as("after the hole, video resumes at the keyframe").isEqualTo(keyframeIndex);
        assertThat(got).hasSize(before + 100 + index - keyframeIndex);
        s.removeReader(q);
        q.close();
        s.close();
    }

    @Test
    void aBacklogPastTheByteBoundWhileCatchingUpDropsAndResumesAtAKeyframe() throws Exception {
        // cache bound 1 MiB: a 1 s GOP of 2.5 MB does not fit, so use 0.25 s GOPs (~625 KB)
        Stream s = stream(new GopCacheConf(1 << 20, Duration.ofSeconds(12)));
        int index = writeFrames(s, 0, 0, 8, 0);
        SlowSink sink = new SlowSink(readerLoop, 1_000_000);
        ReaderQueue q = reader(sink, 512);
        s.addReader(q, true);
        index = writeFrames(s, index, 8, 24, -1); // 16 frames ~1.3 MB of backlog: past 1 MiB
        assertThat(q.dropped()).isPositive();
        sink.open();
        awaitWritten(sink, 8 * PACKETS_PER_FRAME);
        // what fitted the backlog drains first: a keyframe written while the backlog is still full would be
        // dropped too (rightly), and a loaded machine drains slowly
        long drained = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((q.catchingUp() || q.queued() > 0) && System.nanoTime() < drained) {
            Thread.sleep(5);
        }
        index = writeFrames(s, index, 24, 25, -1); // skipped: waiting for a keyframe
        int keyframeIndex = index;
        index = writeFrames(s, index, 25, 27, 25);
        awaitWritten(sink, 8 * PACKETS_PER_FRAME + 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!sink.indexes.contains(index - 1) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        List<Integer> got = List.copyOf(sink.indexes);
        assertThat(got.subList(0, 8 * PACKETS_PER_FRAME)).as("the whole GOP")
                .isEqualTo(java.util.stream.IntStream.range(0, 8 * PACKETS_PER_FRAME).boxed().toList());
        assertThat(got).contains(keyframeIndex).endsWith(index - 1);
        assertThat(got).as("in order, no duplicates").isSorted().doesNotHaveDuplicates();
        assertThat(got.get(got.indexOf(keyframeIndex) - 1)).as("what fitted the backlog, then the keyframe")
                .isLessThan(keyframeIndex - PACKETS_PER_FRAME);
        s.removeReader(q);
        q.close();
        s.close();
    }

    @Test
    void aGopPastTheBoundsIsNotCachedAndIsCounted() {
        Stream s = stream(new GopCacheConf(10L * PACKET, Duration.ofSeconds(12)));
        int index = writeFrames(s, 0, 0, 1, 0);
        assertThat(s.gopCacheStats().overflows()).as("one frame of 69 packets is past 10 packets").isEqualTo(1);
        assertThat(s.cachedPackets()).isZero();
        StreamTest.Recorder r = new StreamTest.Recorder();
        s.addReader(r, true);
        assertThat(r.seqs).isEmpty();
        s.close();

        Stream d = stream(new GopCacheConf(64L << 20, Duration.ofSeconds(2)));
        index = writeFrames(d, index, 0, 2 * FPS + 1, 0);
        assertThat(d.gopCacheStats().durationMillis()).isEqualTo(2000);
        assertThat(d.gopCacheStats().overflows()).isZero();
        writeFrames(d, index, 2 * FPS + 1, 2 * FPS + 2, -1);
        assertThat(d.gopCacheStats()).isEqualTo(new GopCacheStats(0, 0, 0, 1));
        d.close();
    }
}
