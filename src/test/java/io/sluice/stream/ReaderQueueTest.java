package io.sluice.stream;

import static io.sluice.stream.TestPackets.rtp;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(10)
class ReaderQueueTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await();
    }

    /** A sink that can be made unwritable; records sequence numbers written and flush calls. */
    static final class Sink implements ReaderQueue.Sink {
        volatile boolean writable = true;
        final List<Integer> written = new ArrayList<>();
        final List<Boolean> onLoop = new ArrayList<>();
        int flushes;
        private final DefaultEventLoop loop;

        Sink(DefaultEventLoop loop) {
            this.loop = loop;
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public void write(Unit unit) {
            written.add(unit.sequenceNumber());
            onLoop.add(loop.inEventLoop());
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    private ReaderQueue queue(Sink sink, int capacity) {
        return new ReaderQueue("test", loop, capacity, 0, false, sink, LoggerFactory.getLogger("test"));
    }

    private void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(5, TimeUnit.SECONDS);
    }

    @Test
    void writesInlineOnTheSameLoopWithoutQueueing() throws Exception {
        Sink sink = new Sink(loop);
        ReaderQueue q = queue(sink, 4);
        onLoop(() -> {
            for (int i = 0; i < 10; i++) {
                Unit u = new Unit(0, rtp(96, i, i, 0x41), 0, false);
                q.onUnit(u);
                u.release();
            }
            q.onBatchEnd();
            assertThat(q.queued()).isZero();
        });
        assertThat(sink.written).hasSize(10);
        assertThat(sink.flushes).as("one flush per publisher batch").isEqualTo(1);
        assertThat(q.packetsOut()).isEqualTo(10);
        assertThat(q.dropped()).isZero();
    }

    @Test
    void queuesFromAnotherThreadAndDrainsInOrderOnTheLoop() throws Exception {
        Sink sink = new Sink(loop);
        ReaderQueue q = queue(sink, 100);
        List<Unit> units = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Unit u = new Unit(0, rtp(96, i, i, 0x41), 0, false);
            units.add(u);
            q.onUnit(u);
            u.release();
        }
        onLoop(() -> { });
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(done::countDown);
        done.await();
        assertThat(sink.written).hasSize(50).isSorted();
        assertThat(sink.onLoop).containsOnly(true);
        assertThat(units).allSatisfy(u -> assertThat(u.rtp().refCnt()).isZero());
    }

    @Test
    void fullQueueDropsAndVideoResumesAtTheNextKeyframe() throws Exception {
        Sink sink = new Sink(loop);
        sink.writable = false;
        ReaderQueue q = queue(sink, 3);
        List<Unit> units = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Unit u = new Unit(0, rtp(96, i, i, 0x41), 0, false);
            units.add(u);
            q.onUnit(u);
            u.release();
        }
        assertThat(q.dropped()).as("one dropped for the full queue, then deltas skipped until a keyframe")
                .isEqualTo(3);
        // After the drop, delta frames are skipped until a keyframe arrives.
        Unit delta = new Unit(0, rtp(96, 6, 6, 0x41), 0, false);
        q.onUnit(delta);
        delta.release();
        assertThat(q.dropped()).isEqualTo(4);
        Unit key = new Unit(0, rtp(96, 7, 7, 0x65), 0, true);
        sink.writable = true;
        onLoop(q::drain);
        q.onUnit(key);
        key.release();
        onLoop(() -> { });
        onLoop(() -> { });
        assertThat(sink.written).containsExactly(0, 1, 2, 7);
        q.close();
        onLoop(() -> { });
        assertThat(units).allSatisfy(u -> assertThat(u.rtp().refCnt()).isZero());
    }

    @Test
    void closeReleasesQueuedUnits() throws Exception {
        Sink sink = new Sink(loop);
        sink.writable = false;
        ReaderQueue q = queue(sink, 10);
        Unit u = new Unit(0, rtp(96, 1, 1, 0x41), 0, false);
        q.onUnit(u);
        u.release();
        assertThat(u.rtp().refCnt()).isEqualTo(1);
        q.close();
        onLoop(() -> { });
        assertThat(u.rtp().refCnt()).isZero();
        assertThat(sink.written).isEmpty();
    }
}
