package io.sluice.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import io.sluice.conf.ConfLoader;
import io.sluice.forward.Dest;
import io.sluice.forward.DestContext;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** publisherGrace: a path keeps its stream, readers and targets for a publisher that comes back. */
@Timeout(20)
class PathGraceTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger sessionsEnded = new AtomicInteger();
    /** The grace timers started, in order; a test ends a grace by running its task. */
    private final List<Runnable> timers = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();
    private final AtomicInteger cancelled = new AtomicInteger();

    private static StreamDesc desc(Codec codec, String name, String fmtp) {
        return new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "",
                List.of(new Format(96, codec, name, 90000, 0, fmtp)))));
    }

    private static final StreamDesc H264 = desc(Codec.H264, "H264", "packetization-mode=1");

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** A target session that "forwards" until closed. */
    private Dest dest() {
        CountDownLatch closed = new CountDownLatch(1);
        return new Dest() {
            @Override
            public void run(DestContext ctx) throws Exception {
                sessions.incrementAndGet();
                ctx.forwarding(List.of(), null);
                try {
                    closed.await();
                } finally {
                    sessionsEnded.incrementAndGet();
                }
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
    }

    private PathManager manager(String grace) throws Exception {
        PathManager pm = new PathManager(ConfLoader.parse("""
                paths:
                  "~^cam[0-9]+$":
                    %s
                    forwardTargets:
                      - {id: t, url: "rtsp://127.0.0.1:9/y"}
                """.formatted(grace.isEmpty() ? "" : "publisherGrace: " + grace), "test.yml"),
                PathManagerDeps.of(d -> dest(), InstantSource.system()), (delay, task) -> {
                    delays.add(delay);
                    timers.add(task);
                    return cancelled::incrementAndGet;
                });
        pm.start();
        return pm;
    }

    private static void await(BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!cond.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(cond.getAsBoolean()).isTrue();
    }

    private static DestStats target(PathManager pm, String path) {
        return pm.get(path).forwardStats().getFirst();
    }

    @Test
    void aCompatiblePublisherWithinTheGraceTakesTheStreamOverWithItsReadersAndTargets() throws Exception {
        try (PathManager pm = manager("")) {
            Publisher first = pm.publish("cam1", H264, loop.next(), "first");
            Stream s = first.stream();
            AtomicInteger readerEnded = new AtomicInteger();
            pm.readable("cam1").onStreamEnd(readerEnded::incrementAndGet);
            await(() -> sessions.get() == 1);

            first.close();
            assertThat(delays).containsExactly(Duration.ofSeconds(5)); // the default
            Path p = pm.get("cam1");
            assertThat(p).as("the path stays while it waits").isNotNull();
            assertThat(p.awaitingPublisher()).isTrue();
            assertThat(p.stream()).as("not ready: no new reader joins an orphan").isNull();
            assertThatThrownBy(() -> pm.readable("cam1")).isInstanceOf(PathException.class);

            Publisher second = pm.publish("cam1", desc(Codec.H264, "h264", "packetization-mode=1"), loop.next(),
                    "second");
            assertThat(second.stream()).isSameAs(s);
            assertThat(cancelled.get()).isEqualTo(1);
            assertThat(p.awaitingPublisher()).isFalse();
            assertThat(readerEnded.get()).isZero();
            assertThat(sessions.get()).as("the target kept its session").isEqualTo(1);
            assertThat(sessionsEnded.get()).isZero();
            assertThat(target(pm, "cam1").bridgedGaps()).isEqualTo(1);

            assertThatThrownBy(() -> pm.publish("cam1", H264, loop.next(), "third"))
                    .extracting(e -> ((PathException) e).reason()).isEqualTo(PathException.Reason.BUSY);
            timers.getFirst().run(); // a late timer of the first grace changes nothing
            assertThat(pm.readable("cam1").stream()).isSameAs(s);
        }
    }

    @Test
    void targetsShowBridgingWhileThePublisherIsAway() throws Exception {
        try (PathManager pm = manager("3s")) {
            Publisher first = pm.publish("cam1", H264, loop.next(), "first");
            await(() -> target(pm, "cam1").state() == DestState.FORWARDING);
            first.close();
            assertThat(delays).containsExactly(Duration.ofSeconds(3));
            assertThat(target(pm, "cam1").state()).isEqualTo(DestState.BRIDGING);
            pm.publish("cam1", H264, loop.next(), "second");
            assertThat(target(pm, "cam1").state()).isEqualTo(DestState.FORWARDING);
            assertThat(target(pm, "cam1").bridgedGaps()).isEqualTo(1);
        }
    }

    @Test
    void noPublisherWithinTheGraceEndsEverythingAsBefore() throws Exception {
        try (PathManager pm = manager("")) {
            Publisher first = pm.publish("cam1", H264, loop.next(), "first");
            Stream s = first.stream();
            AtomicInteger readerEnded = new AtomicInteger();
            pm.readable("cam1").onStreamEnd(readerEnded::incrementAndGet);
            await(() -> sessions.get() == 1);
            first.close();
            assertThat(readerEnded.get()).isZero();

            timers.getFirst().run();
            assertThat(readerEnded.get()).isEqualTo(1);
            await(() -> sessionsEnded.get() == 1);
            assertThat(pm.get("cam1")).as("a pattern path is forgotten once idle").isNull();

            Publisher again = pm.publish("cam1", H264, loop.next(), "again");
            assertThat(again.stream()).isNotSameAs(s);
            await(() -> sessions.get() == 2);
            assertThat(target(pm, "cam1").bridgedGaps()).isZero();
        }
    }

    @Test
    void anotherCodecEndsTheReadersAndRestartsTheTargets() throws Exception {
        try (PathManager pm = manager("")) {
            Publisher first = pm.publish("cam1", H264, loop.next(), "first");
            Stream s = first.stream();
            AtomicInteger readerEnded = new AtomicInteger();
            pm.readable("cam1").onStreamEnd(readerEnded::incrementAndGet);
            await(() -> sessions.get() == 1);
            first.close();

            Publisher h265 = pm.publish("cam1", desc(Codec.H265, "H265", ""), loop.next(), "h265");
            assertThat(h265.stream()).isNotSameAs(s);
            assertThat(readerEnded.get()).isEqualTo(1);
            await(() -> sessionsEnded.get() == 1 && sessions.get() == 2);
            assertThat(target(pm, "cam1").bridgedGaps()).isZero();
            assertThat(cancelled.get()).isEqualTo(1);
        }
    }

    @Test
    void zeroGraceEndsAtOnce() throws Exception {
        try (PathManager pm = manager("0")) {
            Publisher first = pm.publish("cam1", H264, loop.next(), "first");
            AtomicInteger readerEnded = new AtomicInteger();
            pm.readable("cam1").onStreamEnd(readerEnded::incrementAndGet);
            first.close();
            assertThat(timers).isEmpty();
            assertThat(readerEnded.get()).isEqualTo(1);
            assertThat(pm.get("cam1")).isNull();
        }
    }

    @Test
    void closingTheServerDuringTheGraceEndsTheStream() throws Exception {
        AtomicInteger readerEnded = new AtomicInteger();
        try (PathManager pm = manager("")) {
            Publisher first = pm.publish("cam1", H264, loop.next(), "first");
            pm.readable("cam1").onStreamEnd(readerEnded::incrementAndGet);
            await(() -> sessions.get() == 1);
            first.close();
        }
        assertThat(readerEnded.get()).isEqualTo(1);
        assertThat(cancelled.get()).isEqualTo(1);
        assertThat(sessionsEnded.get()).isEqualTo(1);
    }
}
