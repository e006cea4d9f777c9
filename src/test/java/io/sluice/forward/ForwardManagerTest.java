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
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ForwardManagerTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Stream stream = new Stream(new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "",
            List.of(new Format(96, Codec.H264, "H264", 90000, 0, ""))))), i -> null);
    /** Whether each target's remote accepts sessions, by id. */
    private final Map<String, AtomicBoolean> up = new ConcurrentHashMap<>();
    private final AtomicInteger readers = new AtomicInteger();
    private ForwardManager fm;
    private final java.util.concurrent.ScheduledExecutorService ticker =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        if (fm != null) {
            fm.close();
        }
        ticker.shutdownNow();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private ForwardManager manager(String targets) throws Exception {
        List<ForwardDest> dests = ConfLoader.parse("paths:\n  p:\n    forwardTargets:\n" + targets, "t.yml")
                .pathFor("p").forwardTargets();
        for (ForwardDest d : dests) {
            up.putIfAbsent(d.id(), new AtomicBoolean(true));
        }
        fm = new ForwardManager("p", dests, d -> new RemoteDest(up.get(d.id())), 64, InstantSource.system(),
                readers::get, ticker);
        return fm;
    }

    private static String target(String id, String extra) {
        return "      - id: " + id + "\n        url: rtsp://127.0.0.1:9/" + id
                + "\n        reconnectDelay: 100ms\n        reconnectMaxDelay: 200ms\n" + extra;
    }

    private DestState state(String id) {
        return fm.stats().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().state();
    }

    private static void waitFor(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 10 s");
            }
            Thread.sleep(10);
        }
    }

    /** Forwards while its remote is up; fails to connect, or drops the session, when it is down. */
    static final class RemoteDest implements Dest {
        final AtomicBoolean up;
        final CountDownLatch closed = new CountDownLatch(1);

        RemoteDest(AtomicBoolean up) {
            this.up = up;
        }

        @Override
        public void run(DestContext ctx) throws Exception {
            if (!up.get()) {
                throw new IOException("connection refused");
            }
            ReaderQueue q = DestRunnerTest.discardingQueue(ctx);
            ctx.forwarding(List.of(TrackStatus.forwarded(0, "H264")), q);
            while (!closed.await(10, TimeUnit.MILLISECONDS)) {
                if (!up.get()) {
                    throw new IOException("connection reset");
                }
            }
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void minReadersStartsAndStopsTheTargetLive() throws Exception {
        manager(target("r", "        when: {minReaders: 1}\n") + target("plain", ""));
        fm.streamReady(stream, loop.next());
        waitFor("plain forwarding", () -> state("plain") == DestState.FORWARDING);
        assertThat(state("r")).isEqualTo(DestState.IDLE);
        assertThat(fm.waiting("r")).isEqualTo("waiting for 1 reader(s), path has 0");
        readers.set(1);
        waitFor("r forwarding once a reader came", () -> state("r") == DestState.FORWARDING);
        assertThat(fm.waiting("r")).isEmpty();
        readers.set(0);
        waitFor("r stopped once the reader left", () -> state("r") == DestState.IDLE);
        assertThat(state("plain")).isEqualTo(DestState.FORWARDING);
    }

    @Test
    void codecConditionKeepsATargetIdleForAStreamWithoutThatCodec() throws Exception {
        manager(target("opus", "        when: {codec: [opus, g722]}\n") + target("h264", "        when: {codec: H264}\n"));
        fm.streamReady(stream, loop.next());
        waitFor("h264 forwarding", () -> state("h264") == DestState.FORWARDING);
        Thread.sleep(3 * ForwardManager.TICK_MS);
        assertThat(state("opus")).isEqualTo(DestState.IDLE);
        assertThat(fm.waiting("opus")).isEqualTo("stream has no OPUS/G722 track");
    }

    /** A clock the test moves by hand, for the hold of quality conditions. */
    static final class ManualClock implements InstantSource {
        volatile java.time.Instant now = java.time.Instant.parse("2026-01-01T12:00:00Z");

        @Override
        public java.time.Instant instant() {
            return now;
        }

        void advance(long millis) {
            now = now.plusMillis(millis);
        }
    }

    @Test
    void qualityConditionWaitsForItsHoldAndSaysWhy() throws Exception {
        ManualClock clock = new ManualClock();
        List<ForwardDest> dests = ConfLoader.parse("paths:\n  p:\n    forwardTargets:\n"
                + target("hd", "        when: {minHeight: 720, hold: 5s}\n"), "t.yml").pathFor("p").forwardTargets();
        up.put("hd", new AtomicBoolean(true));
        fm = new ForwardManager("p", dests, d -> new RemoteDest(up.get(d.id())), 64, clock, readers::get, ticker);
        fm.streamReady(stream, loop.next());
        waitFor("no SPS yet", () -> fm.waiting("hd").equals("picture size not known yet (no SPS)"));
        stream.quality().videoParams(new io.sluice.stream.QualityMeter.VideoParams(640, 360, 0));
        waitFor("360p", () -> fm.waiting("hd").equals("height 360 < 720"));
        stream.quality().videoParams(new io.sluice.stream.QualityMeter.VideoParams(1280, 720, 0));
        waitFor("hold begins", () -> fm.waiting("hd").equals("conditions hold (held 0.0 s of 5s)"));
        clock.advance(3200);
        waitFor("hold goes on", () -> fm.waiting("hd").equals("conditions hold (held 3.2 s of 5s)"));
        assertThat(state("hd")).isEqualTo(DestState.IDLE);
        clock.advance(1800);
        waitFor("hd forwarding once the hold is over", () -> state("hd") == DestState.FORWARDING);
        assertThat(fm.waiting("hd")).isEmpty();
        // the size drops: the target keeps forwarding through the hold, and its stats say why it will stop
        stream.quality().videoParams(new io.sluice.stream.QualityMeter.VideoParams(640, 360, 0));
        waitFor("stop pending", () -> fm.waiting("hd").equals("height 360 < 720 (held 0.0 s of 5s)"));
        assertThat(state("hd")).isEqualTo(DestState.FORWARDING);
        clock.advance(5000);
        waitFor("hd stopped after the hold", () -> state("hd") == DestState.IDLE);
        assertThat(fm.waiting("hd")).isEqualTo("height 360 < 720");
    }

    @Test
    void failoverGroupUsesOneMemberAtATimeAndReturnsToTheFirst() throws Exception {
        manager(target("main", "        group: yt\n") + target("backup", "        group: yt\n")
                + target("other", ""));
        fm.streamReady(stream, loop.next());
        waitFor("main forwarding", () -> state("main") == DestState.FORWARDING);
        Thread.sleep(3 * ForwardManager.TICK_MS);
        assertThat(state("backup")).isEqualTo(DestState.IDLE);
        assertThat(fm.waiting("backup")).isEqualTo("standby in group yt");

        up.get("main").set(false); // the main remote goes away
        waitFor("backup takes over", () -> state("backup") == DestState.FORWARDING);
        assertThat(state("main")).isIn(DestState.BACKOFF, DestState.CONNECTING);

        up.get("main").set(true); // and comes back: main forwards again, backup stands by
        waitFor("main again", () -> state("main") == DestState.FORWARDING);
        waitFor("backup stopped", () -> state("backup") == DestState.IDLE);
        assertThat(fm.waiting("backup")).isEqualTo("standby in group yt");
        assertThat(state("other")).isEqualTo(DestState.FORWARDING);
    }

    @Test
    void reloadRestartsOnlyChangedTargets() throws Exception {
        manager(target("a", "") + target("b", ""));
        fm.streamReady(stream, loop.next());
        waitFor("both forwarding", () -> state("a") == DestState.FORWARDING && state("b") == DestState.FORWARDING);
        DestStats a = fm.stats().getFirst();
        List<ForwardDest> next = ConfLoader.parse("paths:\n  p:\n    forwardTargets:\n" + target("a", "")
                + target("c", ""), "t.yml").pathFor("p").forwardTargets();
        up.put("c", new AtomicBoolean(true));
        fm.reload(next, 64);
        waitFor("c forwarding", () -> state("c") == DestState.FORWARDING);
        assertThat(fm.stats()).extracting(DestStats::id).containsExactly("a", "c");
        assertThat(fm.stats().getFirst().since()).isEqualTo(a.since());
    }
}
