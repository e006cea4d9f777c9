package io.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.sluice.conf.ConfLoader;
import io.sluice.conf.SourceConf;
import io.sluice.control.SessionInfo;
import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.PathManager;
import io.sluice.path.PathManagerDeps;
import io.sluice.path.Publisher;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pull-source runner over a real PathManager, with fake protocol sessions that fail, publish and write,
 * end, or hang until closed: retry with backoff, its reset after a stable session, the figures the API
 * shows, the refusal of other publishers, reload and shutdown with no thread left.
 */
@Timeout(30)
class SourceRunnerTest {
    private static final StreamDesc DESC = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "",
            List.of(new Format(96, Codec.H264, "H264", 90000, 0, ""))), new MediaDesc(MediaType.AUDIO, "",
            List.of(new Format(97, Codec.OPUS, "opus", 48000, 2, "")))));
    private static final String CONF = """
            paths:
              cam:
                source: rtsp://user:secret@127.0.0.1:9/x
                sourceReconnectDelay: 20ms
                sourceReconnectMaxDelay: 80ms
                publisherGrace: 0
            """;

    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final MutableClock clock = new MutableClock();
    /** What each attempt does, in order; an empty script makes the attempt fail with "no script". */
    private final BlockingQueue<Step> script = new LinkedBlockingQueue<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicReference<FakeSource> live = new AtomicReference<>();
    /** The runner threads that made attempts (virtual: Thread.getAllStackTraces does not list them). */
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private SourceRunners runners;
    private PathManager paths;

    @AfterEach
    void stop() {
        if (paths != null) {
            paths.close();
        }
        if (runners != null) {
            runners.close();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** One attempt's behaviour. */
    private sealed interface Step {
    }

    private record Fail(String message) implements Step {
    }

    /** Publishes, writes {@code packets} packets, then ends normally (ended) or waits until closed. */
    private record Publish(int packets, boolean thenEnd) implements Step {
    }

    /** As Publish waiting until closed, but its publisher leaves the path only {@code lingerMs} after the close. */
    private record SlowLeave(int packets, long lingerMs) implements Step {
    }

    private final class FakeSource implements Source {
        private final Step step;
        private final CountDownLatch closed = new CountDownLatch(1);

        FakeSource(Step step) {
            this.step = step;
        }

        @Override
        public void run(SourceContext ctx) throws Exception {
            switch (step) {
                case Fail f -> throw new IOException(f.message());
                case Publish p -> publish(ctx, p.packets(), !p.thenEnd(), 0);
                case SlowLeave p -> publish(ctx, p.packets(), true, p.lingerMs());
            }
        }

        private void publish(SourceContext ctx, int packets, boolean untilClosed, long lingerMs) throws Exception {
            Publisher pub = ctx.publish(DESC);
            ctx.linkStats(() -> Map.of("rttMs", 12));
            try {
                ctx.loop().submit(() -> {
                    for (int i = 0; i < packets; i++) {
                        pub.stream().write(0, rtp(i), System.nanoTime());
                    }
                }).get();
                if (untilClosed) {
                    closed.await();
                    sleepUninterruptibly(lingerMs); // the runner's stop interrupts this thread
                }
            } finally {
                pub.close();
            }
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    private static ByteBuf rtp(int seq) {
        ByteBuf b = Unpooled.buffer(112);
        b.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt(0x1234);
        b.writeZero(100);
        return b;
    }

    private Source create(String pathName, SourceConf conf) {
        threads.add(Thread.currentThread());
        if (!pathName.equals("cam")) {
            return new FakeSource(new Fail("connection refused"));
        }
        attempts.incrementAndGet();
        Step step = script.poll();
        FakeSource s = new FakeSource(step == null ? new Fail("no script") : step);
        live.set(s);
        return s;
    }

    private PathManager start(String yaml) throws Exception {
        runners = new SourceRunners(this::create, () -> loop, clock);
        paths = new PathManager(ConfLoader.parse(yaml, "test.yml"), PathManagerDeps.of(d -> {
            throw new AssertionError("no targets here");
        }, clock).withSources(runners));
        paths.start();
        return paths;
    }

    private static void waitFor(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    private SourceStats stats() {
        return paths.get("cam").sourceStats();
    }

    @Test
    void anExactPathPullsFromStartRetriesWithBackoffAndPublishesWhatArrives() throws Exception {
        script.add(new Fail("connect 127.0.0.1:9: connection refused (rtsp://user:secret@127.0.0.1:9/x)"));
        script.add(new Fail("connect 127.0.0.1:9: connection refused"));
        script.add(new Publish(50, false));
        start(CONF);
        Path cam = paths.get("cam");
        waitFor("ready", () -> stats().state() == SourceState.READY && stats().packets() == 50);
        SourceStats s = stats();
        assertThat(attempts).hasValue(3);
        assertThat(s.type()).isEqualTo("rtspSource");
        assertThat(s.url()).isEqualTo("rtsp://***@127.0.0.1:9/x");
        assertThat(s.reconnects()).isEqualTo(2);
        assertThat(s.bytes()).isEqualTo(50 * 112);
        assertThat(s.tracks()).containsExactly("H264", "OPUS");
        assertThat(s.link()).containsEntry("rttMs", 12);
        assertThat(s.lastError()).isEqualTo("connect 127.0.0.1:9: connection refused");
        assertThat(s.nextRetry()).isNull();
        assertThat(cam.stream()).isNotNull();
        assertThat(cam.stream().packetsIn()).isEqualTo(50);
        assertThat(cam.publisherDescription()).isEqualTo("rtspSource rtsp://***@127.0.0.1:9/x");
        SessionInfo session = paths.sessions().publisher("cam");
        assertThat(session.protocol()).isEqualTo("rtspSource");
        assertThat(session.remote()).isEqualTo("127.0.0.1:9");
        assertThat(session.bytes()).isEqualTo(50 * 112);
    }

    @Test
    void failuresShowBackoffWithTheLastErrorRedactedAndTheNextRetry() throws Exception {
        script.add(new Fail("401 Unauthorized from rtsp://user:secret@127.0.0.1:9/x"));
        start(CONF.replace("20ms", "1m").replace("80ms", "1m"));
        waitFor("backoff", () -> stats().state() == SourceState.BACKOFF);
        SourceStats s = stats();
        assertThat(s.lastError()).isEqualTo("401 Unauthorized from rtsp://***@127.0.0.1:9/x");
        assertThat(s.nextRetry()).isBetween(clock.instant().plusSeconds(47), clock.instant().plusSeconds(60));
        assertThat(s.bytes()).isZero();
        assertThat(paths.get("cam").stream()).isNull();
        assertThat(paths.sessions().publisher("cam")).isNull();
    }

    @Test
    void everyOtherPublisherIsRefusedWithTheReason() throws Exception {
        start(CONF);
        assertThatThrownBy(() -> paths.checkPublish("cam")).isInstanceOfSatisfying(PathException.class,
                e -> assertThat(e.reason()).isEqualTo(PathException.Reason.BUSY))
                .hasMessage("path 'cam' takes its stream from its source (rtsp://***@127.0.0.1:9/x), not from"
                        + " publishers");
        assertThatThrownBy(() -> paths.publish("cam", DESC, loop, "rtspSession 1.2.3.4:5"))
                .isInstanceOf(PathException.class).hasMessageContaining("takes its stream from its source");
    }

    @Test
    void anEndedSessionIsRetriedAndItsBytesAddUp() throws Exception {
        script.add(new Publish(10, true));
        script.add(new Publish(7, false));
        start(CONF);
        waitFor("second session", () -> attempts.get() == 2 && stats().state() == SourceState.READY
                && stats().packets() == 17);
        SourceStats s = stats();
        assertThat(s.reconnects()).isEqualTo(1);
        assertThat(s.bytes()).isEqualTo(17 * 112);
        assertThat(s.lastError()).isEqualTo("the remote ended the stream");
        assertThat(paths.get("cam").stream().packetsIn()).as("the second session's stream").isEqualTo(7);
    }

    @Test
    void aStableSessionResetsTheBackoffAndAShortOneDoesNot() throws Exception {
        // delay 1 s doubling to 8 s: a third failure in a row waits ~4 s, one after a stable session ~1 s
        String yaml = CONF.replace("20ms", "1s").replace("80ms", "8s");
        script.add(new Fail("refused"));
        start(yaml);
        waitFor("first backoff", () -> stats().state() == SourceState.BACKOFF);
        assertThat(Duration.between(clock.instant(), stats().nextRetry())).isLessThanOrEqualTo(Duration.ofMillis(1200));
        // the second attempt publishes and runs "long" on the test clock, then the remote ends it
        script.add(new Publish(1, false));
        waitFor("ready", () -> stats().state() == SourceState.READY);
        clock.advance(Duration.ofSeconds(6));
        live.get().close();
        waitFor("backoff after a stable session", () -> stats().state() == SourceState.BACKOFF);
        assertThat(Duration.between(clock.instant(), stats().nextRetry())).isLessThanOrEqualTo(Duration.ofMillis(1200));
        // third attempt fails at once: the second failure in a row since the reset, ~2 s
        script.add(new Fail("refused again"));
        waitFor("third attempt", () -> attempts.get() == 3 && stats().state() == SourceState.BACKOFF);
        assertThat(Duration.between(clock.instant(), stats().nextRetry()))
                .isBetween(Duration.ofMillis(1500), Duration.ofMillis(2500));
    }

    @Test
    void stopEndsTheSessionAndThePublisherAndStartPullsAgain() throws Exception {
        script.add(new Publish(3, false));
        start(CONF);
        Path cam = paths.get("cam");
        waitFor("ready", () -> stats().state() == SourceState.READY && stats().packets() == 3);
        cam.stopSource();
        waitFor("publisher gone", () -> cam.stream() == null && paths.sessions().publisher("cam") == null);
        assertThat(stats().state()).isEqualTo(SourceState.IDLE);
        assertThat(stats().packets()).as("counters kept").isEqualTo(3);
        script.add(new Publish(2, false));
        cam.startSource();
        waitFor("ready again", () -> stats().state() == SourceState.READY && stats().packets() == 5);
    }

    @Test
    void kickingTheSourcesSessionMakesItReconnect() throws Exception {
        script.add(new Publish(1, false));
        script.add(new Publish(1, false));
        start(CONF);
        waitFor("ready", () -> stats().state() == SourceState.READY);
        assertThat(paths.sessions().kick(paths.sessions().publisher("cam").id())).isTrue();
        waitFor("second session", () -> attempts.get() == 2 && stats().state() == SourceState.READY);
        assertThat(stats().reconnects()).isEqualTo(1);
    }

    @Test
    void onDemandEntriesDoNotPullUntilAsked() throws Exception {
        start(CONF.replace("publisherGrace: 0", "publisherGrace: 0\n    sourceOnDemand: yes"));
        Thread.sleep(100);
        assertThat(attempts).hasValue(0);
        assertThat(stats().state()).isEqualTo(SourceState.IDLE);
        script.add(new Publish(1, false));
        paths.get("cam").startSource();
        waitFor("ready", () -> stats().state() == SourceState.READY);
    }

    @Test
    void aReloadThatChangesTheSourceRestartsItAndOneThatRemovesItTakesPublishersAgain() throws Exception {
        script.add(new Publish(1, false));
        start(CONF);
        waitFor("ready", () -> stats().state() == SourceState.READY);
        FakeSource first = live.get();
        script.add(new Publish(1, false));
        paths.reload(ConfLoader.parse(CONF.replace("/x", "/y"), "test.yml"));
        waitFor("the first session closed", () -> first.closed.getCount() == 0);
        waitFor("new source ready", () -> attempts.get() == 2 && stats().state() == SourceState.READY);
        assertThat(stats().url()).isEqualTo("rtsp://***@127.0.0.1:9/y");
        assertThat(stats().reconnects()).as("a new runner").isZero();

        paths.reload(ConfLoader.parse("paths:\n  cam:\n    publisherGrace: 0\n", "test.yml"));
        waitFor("publisher gone", () -> paths.get("cam").stream() == null);
        assertThat(paths.get("cam").sourceStats()).isNull();
        paths.checkPublish("cam");
        paths.publish("cam", DESC, loop, "rtspSession 1.2.3.4:5").close();
    }

    @Test
    void aChangedSourceTakesThePathAtOnceWhileTheStoppedOnesPublisherIsStillLeaving() throws Exception {
        script.add(new SlowLeave(1, 1500));
        start(CONF.replace("sourceReconnectDelay: 20ms", "sourceReconnectDelay: 5s")
                .replace("sourceReconnectMaxDelay: 80ms", "sourceReconnectMaxDelay: 5s"));
        waitFor("ready", () -> stats().state() == SourceState.READY);
        FakeSource first = live.get();
        script.add(new Publish(2, false));
        paths.reload(ConfLoader.parse(CONF.replace("/x", "/y"), "test.yml"));
        waitFor("the first session closed", () -> first.closed.getCount() == 0);
        // with a 5 s backoff, a refused first attempt (path still held by the old publisher) would miss this
        waitFor("new source ready", () -> stats().state() == SourceState.READY && stats().packets() == 2);
        assertThat(attempts).as("no refused attempt").hasValue(2);
        assertThat(paths.sessions().publisher("cam")).isNotNull();
        Thread.sleep(1700); // the old publisher leaves now: the new one keeps the path
        assertThat(paths.get("cam").stream()).isNotNull();
        assertThat(stats().state()).isEqualTo(SourceState.READY);
    }

    @Test
    void closeEndsEveryRunnerThread() throws Exception {
        script.add(new Publish(1, false));
        start(CONF + """
                  cam2:
                    source: srt://127.0.0.1:9?streamid=read:x
                    sourceReconnectDelay: 1m
                """);
        waitFor("ready", () -> stats().state() == SourceState.READY);
        waitFor("cam2 in backoff", () -> paths.get("cam2").sourceStats().state() == SourceState.BACKOFF);
        assertThat(paths.get("cam2").sourceStats().type()).isEqualTo("srtSource");
        paths.close();
        runners.close();
        // close() returns when every runner's task has returned; the thread itself ends a moment later (a
        // thread-per-task executor forgets a thread when its task returns), so give it that moment.
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(5));
        }
        assertThat(threads).hasSizeGreaterThanOrEqualTo(2).allSatisfy(t -> {
            assertThat(t.getName()).startsWith("sluice-source-");
            assertThat(t.isAlive()).as("%s ended", t.getName()).isFalse();
        });
        paths = null;
        runners = null;
    }

    /** A clock the test moves; starts now. */
    private static final class MutableClock implements InstantSource {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static void sleepUninterruptibly(long ms) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        boolean interrupted = false;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
