package io.sluice.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.sluice.conf.ConfLoader;
import io.sluice.conf.ForwardDest;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.Unit;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(20)
class DestRunnerTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Stream stream = new Stream(new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "",
            List.of(new Format(96, Codec.H264, "H264", 90000, 0, ""))))), i -> null);

    @AfterEach
    void stop() {
        executor.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static ForwardDest dest(String extra) throws Exception {
        return ConfLoader.parse("""
                paths:
                  p:
                    forwardTargets:
                      - id: t
                        url: rtsp://user:secret@127.0.0.1:9/x
                        reconnectDelay: 20ms
                        reconnectMaxDelay: 80ms
                """ + extra, "test.yml").pathFor("p").forwardTargets().getFirst();
    }

    private static void waitFor(BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 10 s");
            }
            Thread.sleep(5);
        }
    }

    /** A reader queue for a fake target: it takes every unit and throws it away. */
    static ReaderQueue discardingQueue(DestContext ctx) {
        return new ReaderQueue("t", ctx.loop(), ctx.queueCapacity(), -1, false, new ReaderQueue.Sink() {
            @Override
            public boolean isWritable() {
                return true;
            }

            @Override
            public void write(Unit unit) {
            }

            @Override
            public void flush() {
            }
        }, LoggerFactory.getLogger("t"));
    }

    /** A Dest that fails a given number of times, then forwards until closed. */
    static final class FlakyDest implements Dest {
        final AtomicInteger attempts;
        final int failures;
        final CountDownLatch closed = new CountDownLatch(1);

        FlakyDest(AtomicInteger attempts, int failures) {
            this.attempts = attempts;
            this.failures = failures;
        }

        @Override
        public void run(DestContext ctx) throws Exception {
            if (attempts.incrementAndGet() <= failures) {
                throw new IOException("connect rtsp://user:secret@127.0.0.1:9/x: refused");
            }
            ReaderQueue q = DestRunnerTest.discardingQueue(ctx);
            ctx.forwarding(List.of(TrackStatus.forwarded(0, "H264"),
                    TrackStatus.skipped(1, "G722", "not carried by this target")), q);
            closed.await();
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void retriesWithBackoffUntilTheTargetAcceptsThenForwards() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        DestRunner r = new DestRunner("p", dest(""), d -> new FlakyDest(attempts, 3), InstantSource.system());
        assertThat(r.stats().state()).isEqualTo(DestState.IDLE);
        r.start(stream, loop.next(), 16, executor);
        waitFor(() -> r.stats().state() == DestState.FORWARDING);
        DestStats s = r.stats();
        assertThat(attempts.get()).isEqualTo(4);
        assertThat(s.reconnects()).isEqualTo(3);
        assertThat(s.lastError()).contains("refused").doesNotContain("secret");
        assertThat(s.url()).doesNotContain("secret");
        assertThat(s.tracks()).extracting(TrackStatus::forwarded).containsExactly(true, false);
        r.stop();
        assertThat(r.stats().state()).isEqualTo(DestState.IDLE);
        // the stream comes back: the same runner starts again and keeps its counters
        r.start(stream, loop.next(), 16, executor);
        waitFor(() -> r.stats().state() == DestState.FORWARDING);
        assertThat(r.stats().reconnects()).isEqualTo(4);
        r.close();
    }

    @Test
    void givesUpAfterMaxReconnectTime() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        DestRunner r = new DestRunner("p", dest("        maxReconnectTime: 200ms\n"),
                d -> new FlakyDest(attempts, Integer.MAX_VALUE), InstantSource.system());
        r.start(stream, loop.next(), 16, executor);
        waitFor(() -> r.stats().state() == DestState.FAILED);
        assertThat(attempts.get()).isGreaterThan(2);
        int after = attempts.get();
        Thread.sleep(200);
        assertThat(attempts.get()).as("no attempts after giving up").isEqualTo(after);
        r.close();
    }

    @Test
    void noReconnectMeansFailedAfterTheFirstError() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        DestRunner r = new DestRunner("p", dest("        reconnect: no\n"), d -> new FlakyDest(attempts, 5),
                InstantSource.system());
        r.start(stream, loop.next(), 16, executor);
        waitFor(() -> r.stats().state() == DestState.FAILED);
        assertThat(attempts.get()).isEqualTo(1);
        r.close();
    }

    @Test
    void disabledTargetNeverStarts() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        DestRunner r = new DestRunner("p", dest("        enable: no\n"), d -> new FlakyDest(attempts, 0),
                InstantSource.system());
        r.start(stream, loop.next(), 16, executor);
        Thread.sleep(100);
        assertThat(attempts.get()).isZero();
        assertThat(r.stats().state()).isEqualTo(DestState.DISABLED);
        r.close();
    }

    @Test
    void backoffGrowsBetweenAttempts() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        DestRunner r = new DestRunner("p", dest(""), d -> new FlakyDest(attempts, Integer.MAX_VALUE),
                InstantSource.system());
        long t0 = System.nanoTime();
        r.start(stream, loop.next(), 16, executor);
        waitFor(() -> attempts.get() >= 5);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        // 20 + 40 + 80 + 80 ms (±20 %) at least between the 5 attempts
        assertThat(elapsedMs).isGreaterThanOrEqualTo(170);
        assertThat(r.stats().state()).isIn(DestState.BACKOFF, DestState.CONNECTING);
        assertThat(r.stats().nextRetry()).isNotNull();
        r.close();
        assertThat(r.stats().state()).isEqualTo(DestState.IDLE);
    }
}
