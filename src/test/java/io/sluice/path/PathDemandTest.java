package io.sluice.path;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.sluice.conf.ConfLoader;
import io.sluice.conf.PathConf;
import io.sluice.forward.Dest;
import io.sluice.forward.DestContext;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The on-demand state machine through PathManager, with a fake starter (it publishes when the test says so) and
 * a timer the test fires by hand: readers start the stream once, wait for it, time out, and the stream stops
 * closeAfter after its last reader unless a reader comes back.
 */
@Timeout(20)
class PathDemandTest {
    private static final StreamDesc DESC = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "",
            List.of(new Format(96, Codec.H264, "H264", 90000, 0, "packetization-mode=1")))));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(7);
    private static final Duration CLOSE_AFTER = Duration.ofSeconds(3);

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final FakeTimer timer = new FakeTimer();
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger stops = new AtomicInteger();
    /** The queries the starts were given, in order. */
    private final java.util.List<String> startQueries = new java.util.concurrent.CopyOnWriteArrayList<>();
    private PathManager pm;
    /** The fake source's publisher while it publishes. */
    private volatile Publisher publisher;

    @AfterEach
    void stop() {
        if (pm != null) {
            pm.close();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** A timer whose tasks run when the test fires them; cancelled ones never run. */
    static final class FakeTimer implements GraceTimer {
        record Task(Duration delay, Runnable run, boolean[] cancelled) {
        }

        final List<Task> tasks = new ArrayList<>();

        @Override
        public synchronized Runnable after(Duration delay, Runnable task) {
            Task t = new Task(delay, task, new boolean[1]);
            tasks.add(t);
            return () -> {
                synchronized (this) {
                    t.cancelled[0] = true;
                }
            };
        }

        /** Runs every pending task of this delay; returns how many ran. */
        int fire(Duration delay) {
            List<Task> due = new ArrayList<>();
            synchronized (this) {
                for (var it = tasks.iterator(); it.hasNext();) {
                    Task t = it.next();
                    if (t.delay.equals(delay)) {
                        it.remove();
                        if (!t.cancelled[0]) {
                            due.add(t);
                        }
                    }
                }
            }
            due.forEach(t -> t.run.run());
            return due.size();
        }

        synchronized int pending(Duration delay) {
            return (int) tasks.stream().filter(t -> t.delay.equals(delay) && !t.cancelled[0]).count();
        }
    }

    private PathManager manager(boolean publishOnStart) throws Exception {
        Dest idle = new Dest() {
            final CountDownLatch closed = new CountDownLatch(1);

            @Override
            public void run(DestContext ctx) throws Exception {
                closed.await();
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        pm = new PathManager(ConfLoader.parse("""
                paths:
                  "~^od[0-9]+$":
                    publisherGrace: 0
                  "~^grace[0-9]+$":
                    publisherGrace: 5s
                  plain:
                    publisherGrace: 0
                """, "test.yml"), PathManagerDeps.of(d -> idle, InstantSource.system()), timer);
        pm.onDemand(new OnDemandFactory() {
            @Override
            public boolean onDemand(PathConf conf) {
                return conf.name().startsWith("~");
            }

            @Override
            public StreamOnDemand create(Path path) {
                return new StreamOnDemand() {
                    @Override
                    public void start(String query) {
                        startQueries.add(query);
                        start();
                    }

                    @Override
                    public void start() {
                        starts.incrementAndGet();
                        if (publishOnStart) {
                            publish(path.name());
                        }
                    }

                    @Override
                    public void stop() {
                        stops.incrementAndGet();
                        Publisher p = publisher;
                        publisher = null;
                        if (p != null) {
                            p.close();
                        }
                    }

                    @Override
                    public Duration startTimeout() {
                        return START_TIMEOUT;
                    }

                    @Override
                    public Duration closeAfter() {
                        return CLOSE_AFTER;
                    }

                    @Override
                    public String describe() {
                        return "fake source";
                    }
                };
            }
        });
        pm.start();
        return pm;
    }

    private void publish(String name) {
        try {
            publisher = pm.publish(name, DESC, loop, "fakeSource");
        } catch (PathException e) {
            throw new AssertionError(e);
        }
    }

    private SessionRegistry.Registration reader(String path) {
        return pm.sessions().register("rtsp", SessionRegistry.Role.READ, path, "127.0.0.1:1", "", () -> 0, () -> { });
    }

    private static void await(BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }

    private static PathException failure(CompletableFuture<Path> f) {
        assertThat(f).isCompletedExceptionally();
        return PathException.of(f.handle((p, t) -> t).join());
    }

    @Test
    void concurrentReadersStartTheStreamOnceAndAllGetIt() throws Exception {
        manager(false);
        int n = 8;
        List<CompletableFuture<Path>> asked = new ArrayList<>();
        ExecutorService ex = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<java.util.concurrent.Future<CompletableFuture<Path>>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(ex.submit(() -> {
                    go.await();
                    return pm.readableAsync("od1");
                }));
            }
            go.countDown();
            for (var c : calls) {
                asked.add(c.get());
            }
        } finally {
            ex.shutdown();
        }
        await(() -> starts.get() == 1);
        assertThat(asked).allMatch(f -> !f.isDone());
        assertThat(pm.get("od1").onDemandState()).isEqualTo("starting");
        assertThat(timer.pending(START_TIMEOUT)).isEqualTo(1);

        publish("od1");

        for (CompletableFuture<Path> f : asked) {
            assertThat(f.get(1, TimeUnit.SECONDS).stream()).isNotNull();
        }
        assertThat(starts.get()).isEqualTo(1);
        assertThat(timer.pending(START_TIMEOUT)).isZero(); // cancelled by the stream
        // Nobody registered yet: the close timer gives the readers closeAfter to come.
        assertThat(pm.get("od1").onDemandState()).isEqualTo("closing");
        SessionRegistry.Registration r = reader("od1");
        assertThat(pm.get("od1").onDemandState()).isEqualTo("ready");
        assertThat(timer.fire(CLOSE_AFTER)).isZero();
        assertThat(stops.get()).isZero();
        r.close();
    }

    @Test
    void noStreamWithinTheStartTimeoutRefusesTheReadersAndStopsTheStarter() throws Exception {
        manager(false);
        CompletableFuture<Path> a = pm.readableAsync("od2", "token=first");
        CompletableFuture<Path> b = pm.readableAsync("od2", "token=second");
        await(() -> starts.get() == 1);
        assertThat(startQueries).as("the start gets the query of the reader that triggered it").containsExactly(
                "token=first");

        assertThat(timer.fire(START_TIMEOUT)).isEqualTo(1);

        PathException e = failure(a);
        assertThat(e.reason()).isEqualTo(PathException.Reason.START_TIMEOUT);
        assertThat(e.getMessage()).contains("od2").contains("7s").contains("fake source");
        assertThat(failure(b).reason()).isEqualTo(PathException.Reason.START_TIMEOUT);
        await(() -> stops.get() == 1);
        // The pattern path is forgotten once idle; the next reader starts again.
        assertThat(pm.get("od2")).isNull();
        CompletableFuture<Path> c = pm.readableAsync("od2");
        await(() -> starts.get() == 2);
        assertThat(startQueries).containsExactly("token=first", "");
        assertThat(c).isNotDone();
    }

    @Test
    void theLastReaderLeavingStopsTheStreamAfterCloseAfter() throws Exception {
        manager(true);
        Path p = pm.readableAsync("od3").get(2, TimeUnit.SECONDS);
        SessionRegistry.Registration r1 = reader("od3");
        SessionRegistry.Registration r2 = reader("od3");
        assertThat(p.onDemandState()).isEqualTo("ready");

        r1.close();
        assertThat(timer.pending(CLOSE_AFTER)).isZero(); // one reader left
        r2.close();
        assertThat(p.onDemandState()).isEqualTo("closing");
        assertThat(timer.pending(CLOSE_AFTER)).isEqualTo(1);
        assertThat(stops.get()).isZero();

        assertThat(timer.fire(CLOSE_AFTER)).isEqualTo(1);
        await(() -> stops.get() == 1);
        assertThat(p.stream()).isNull();
        await(() -> pm.get("od3") == null); // a pattern path is forgotten once idle
        assertThat(starts.get()).isEqualTo(1);
    }

    @Test
    void aReaderComingBackBeforeCloseAfterCancelsTheStop() throws Exception {
        manager(true);
        Path p = pm.readableAsync("od4").get(2, TimeUnit.SECONDS);
        reader("od4").close();
        assertThat(p.onDemandState()).isEqualTo("closing");

        // The stream is there: the new reader gets it at once, without a second start.
        CompletableFuture<Path> again = pm.readableAsync("od4");
        assertThat(again).isCompletedWithValue(p);
        SessionRegistry.Registration r = reader("od4");
        assertThat(p.onDemandState()).isEqualTo("ready");

        assertThat(timer.fire(CLOSE_AFTER)).isZero(); // every close timer was cancelled
        assertThat(stops.get()).isZero();
        assertThat(starts.get()).isEqualTo(1);
        assertThat(p.stream()).isNotNull();
        r.close();
    }

    @Test
    void aReaderThatLeavesWhileWaitingIsWithdrawnAndTheStreamStillCloses() throws Exception {
        manager(false);
        CompletableFuture<Path> f = pm.readableAsync("od5");
        await(() -> starts.get() == 1);
        f.cancel(false); // its client disconnected

        publish("od5");
        Path p = pm.get("od5");
        assertThat(p.onDemandState()).isEqualTo("closing"); // no reader: closes after closeAfter
        assertThat(timer.fire(CLOSE_AFTER)).isEqualTo(1);
        await(() -> stops.get() == 1);
        assertThat(p.stream()).isNull();
    }

    @Test
    void aStreamThatEndsOnItsOwnStopsTheStarterAndTheNextReaderStartsAgain() throws Exception {
        manager(true);
        pm.readableAsync("od6").get(2, TimeUnit.SECONDS);
        SessionRegistry.Registration r = reader("od6");
        await(() -> publisher != null); // the reader may get the stream before the fake has its handle
        publisher.close(); // the remote went away
        await(() -> stops.get() == 1);
        r.close();
        Path p = pm.readableAsync("od6").get(2, TimeUnit.SECONDS);
        assertThat(starts.get()).isEqualTo(2);
        assertThat(p.stream()).isNotNull();
    }

    @Test
    void aReaderOfAPathKeepingItsStreamForAReturningPublisherWaitsForIt() throws Exception {
        manager(true);
        Path p = pm.readableAsync("grace1").get(2, TimeUnit.SECONDS);
        SessionRegistry.Registration r = reader("grace1");
        await(() -> publisher != null);
        publisher.close(); // the source's session dropped: the path keeps the stream for publisherGrace
        assertThat(p.awaitingPublisher()).isTrue();
        assertThat(p.stream()).isNull();

        CompletableFuture<Path> late = pm.readableAsync("grace1");
        assertThat(late).isNotDone(); // not given a path without a stream
        assertThat(stops.get()).isZero();
        publish("grace1"); // the source is back and takes the stream over
        assertThat(late.get(1, TimeUnit.SECONDS).stream()).isNotNull();
        assertThat(starts.get()).isEqualTo(1);
        assertThat(timer.fire(START_TIMEOUT)).isZero();
        r.close();
    }

    @Test
    void aPathWithoutOnDemandIsRefusedAtOnce() throws Exception {
        manager(false);
        CompletableFuture<Path> f = pm.readableAsync("plain");
        assertThat(failure(f).reason()).isEqualTo(PathException.Reason.NO_STREAM);
        assertThat(failure(pm.readableAsync("nowhere")).reason()).isEqualTo(PathException.Reason.NOT_CONFIGURED);
        assertThat(failure(pm.readableAsync("bad name")).reason()).isEqualTo(PathException.Reason.BAD_NAME);
        assertThat(starts.get()).isZero();
        // A published plain path is read at once.
        publish("plain");
        assertThat(pm.readableAsync("plain")).isCompleted();
        assertThat(pm.get("plain").onDemandState()).isNull();
    }

    @Test
    void closingTheManagerRefusesWaitingReadersAndStopsTheStarter() throws Exception {
        manager(false);
        CompletableFuture<Path> f = pm.readableAsync("od7");
        await(() -> starts.get() == 1);
        pm.close();
        pm = null;
        assertThat(failure(f).reason()).isEqualTo(PathException.Reason.NO_STREAM);
        assertThat(stops.get()).isEqualTo(1);
    }

    @Test
    void aSourceOnDemandIsStartedByTheFirstReaderAndStoppedCloseAfterTheLast() throws Exception {
        AtomicInteger sourceStarts = new AtomicInteger();
        AtomicInteger sourceStops = new AtomicInteger();
        PathSources sources = (pathName, conf, feed, sessions) -> new PathSource() {
            private Publisher pub;

            @Override
            public synchronized void start() {
                sourceStarts.incrementAndGet();
                try {
                    pub = feed.publish(DESC, loop, "rtspSource " + conf.redactedUrl());
                } catch (PathException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public synchronized void stop() {
                sourceStops.incrementAndGet();
                if (pub != null) {
                    pub.close();
                    pub = null;
                }
            }

            @Override
            public io.sluice.control.SourceStats stats() {
                return null;
            }

            @Override
            public void close() {
                stop();
            }
        };
        pm = new PathManager(ConfLoader.parse("""
                paths:
                  "~^edge/(.+)$":
                    source: rtsp://origin.example:8554/$G1
                    sourceOnDemand: yes
                    sourceOnDemandStartTimeout: 4s
                    sourceOnDemandCloseAfter: 2s
                    publisherGrace: 0
                """, "test.yml"), PathManagerDeps.of(d -> {
                    throw new AssertionError("no targets");
                }, InstantSource.system()).withSources(sources), timer);
        pm.start();
        assertThat(pm.get("edge/cam")).isNull(); // nothing pulls before a reader

        Path p = pm.readableAsync("edge/cam").get(2, TimeUnit.SECONDS);
        assertThat(sourceStarts.get()).isEqualTo(1);
        assertThat(p.publisherDescription()).isEqualTo("rtspSource rtsp://origin.example:8554/cam");
        assertThat(timer.pending(Duration.ofSeconds(4))).isZero(); // the start timer is cancelled
        SessionRegistry.Registration r = reader("edge/cam");
        assertThat(p.onDemandState()).isEqualTo("ready");
        r.close();
        assertThat(timer.fire(Duration.ofSeconds(2))).isEqualTo(1); // sourceOnDemandCloseAfter
        await(() -> sourceStops.get() >= 1); // and once more as the idle pattern path closes
        assertThat(p.stream()).isNull();
        // A publisher is still refused on the pulling path, on demand or not.
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(PathException.class,
                () -> pm.publish("edge/cam", DESC, loop, "ffmpeg")).reason()).isEqualTo(PathException.Reason.BUSY);
    }
}
