package io.sluice.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import io.sluice.conf.ConfLoader;
import io.sluice.forward.Dest;
import io.sluice.forward.DestContext;
import io.sluice.net.Refusals;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The path manager's rules: the path-name rule, maxPaths and maxReaders, each refusal counted by protocol. */
@Timeout(20)
class PathLimitsTest {
    private static final StreamDesc DESC = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "",
            List.of(new Format(96, Codec.H264, "H264", 90000, 0, "")))));
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final Refusals refusals = new Refusals();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static Dest idleDest() {
        CountDownLatch closed = new CountDownLatch(1);
        return new Dest() {
            @Override
            public void run(DestContext ctx) throws Exception {
                closed.await();
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
    }

    private PathManager manager(String yaml) throws Exception {
        PathManager pm = new PathManager(ConfLoader.parse(yaml, "test.yml"),
                PathManagerDeps.of(d -> idleDest(), InstantSource.system()).withRefusals(refusals));
        pm.start();
        return pm;
    }

    private static PathException.Reason reason(Throwable t) {
        return ((PathException) t).reason();
    }

    @Test
    void badNamesAreRefusedToPublishersAndReadersAndCountedByProtocol() throws Exception {
        try (PathManager pm = manager("paths:\n  all_others:\n    publisherGrace: 0\n")) {
            for (String bad : List.of("a b", "cam\u0000", "caf\u00e9", "/lead", "trail/", "", "q?x")) {
                assertThatThrownBy(() -> pm.publish(bad, DESC, loop.next(), "t")).as(bad)
                        .isInstanceOf(PathException.class).extracting(PathLimitsTest::reason)
                        .isEqualTo(PathException.Reason.BAD_NAME);
                assertThatThrownBy(() -> pm.readable(bad)).as(bad)
                        .isInstanceOf(PathException.class).extracting(PathLimitsTest::reason)
                        .isEqualTo(PathException.Reason.BAD_NAME);
                assertThatThrownBy(() -> pm.checkPublish(bad)).as(bad).isInstanceOf(PathException.class);
            }
            assertThat(pm.paths()).as("no path was created for a bad name").isEmpty();
            PathException e = null;
            try {
                PathManager.checkName("a b");
            } catch (PathException x) {
                e = x;
            }
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).contains("has a space (U+0020) at offset 1");
            assertThat(pm.countRefusal("rtsp", "1.2.3.4:5", e)).isTrue();
            assertThat(pm.countRefusal("rtsp", "1.2.3.4:5", e)).isTrue();
            assertThat(pm.countRefusal("srt", "1.2.3.4:5", e)).isTrue();
            assertThat(refusals.count("rtsp", Refusals.Cause.BAD_PATH_NAME)).isEqualTo(2);
            assertThat(refusals.count("srt", Refusals.Cause.BAD_PATH_NAME)).isEqualTo(1);
            assertThat(pm.countRefusal("rtsp", "", new PathException(PathException.Reason.BUSY, "busy")))
                    .as("a busy path is not a limit").isFalse();
            assertThat(refusals.counts()).hasSize(2);
        }
    }

    @Test
    void maxPathsCountsConfiguredPathsAndRefusesTheNextDynamicOne() throws Exception {
        try (PathManager pm = manager("""
                maxPaths: 2
                paths:
                  fixed: {}
                  all_others:
                    publisherGrace: 0
                """)) {
            assertThat(pm.paths()).hasSize(1);
            Publisher one = pm.publish("one", DESC, loop.next(), "t");
            pm.checkPublish("fixed"); // exists: always room
            pm.checkPublish("one");
            assertThatThrownBy(() -> pm.checkPublish("two")).extracting(PathLimitsTest::reason)
                    .isEqualTo(PathException.Reason.MAX_PATHS);
            assertThatThrownBy(() -> pm.publish("two", DESC, loop.next(), "t"))
                    .hasMessageContaining("path 'two' cannot be created").hasMessageContaining("(maxPaths 2)")
                    .extracting(PathLimitsTest::reason).isEqualTo(PathException.Reason.MAX_PATHS);
            assertThat(pm.get("two")).isNull();
            Publisher fixed = pm.publish("fixed", DESC, loop.next(), "t"); // configured: never refused
            one.close(); // its dynamic path goes, and with it the room
            Publisher two = pm.publish("two", DESC, loop.next(), "t");
            assertThat(pm.paths()).extracting(Path::name).containsExactlyInAnyOrder("fixed", "two");
            two.close();
            fixed.close();
        }
    }

    @Test
    void configuredExactPathsExistEvenPastMaxPaths() throws Exception {
        try (PathManager pm = manager("""
                maxPaths: 1
                paths:
                  a: {}
                  b: {}
                  all_others: {}
                """)) {
            assertThat(pm.paths()).extracting(Path::name).containsExactly("a", "b");
            assertThatThrownBy(() -> pm.checkPublish("c")).extracting(PathLimitsTest::reason)
                    .isEqualTo(PathException.Reason.MAX_PATHS);
        }
    }

    @Test
    void maxPathsZeroMeansNoLimit() throws Exception {
        try (PathManager pm = manager("maxPaths: 0\npaths:\n  all_others:\n    publisherGrace: 0\n")) {
            for (int i = 0; i < 50; i++) {
                pm.publish("p" + i, DESC, loop.next(), "t");
            }
            assertThat(pm.paths()).hasSize(50);
        }
    }

    @Test
    void maxReadersCountsRegisteredReaderSessionsOnly() throws Exception {
        try (PathManager pm = manager("""
                paths:
                  cam:
                    maxReaders: 2
                    publisherGrace: 0
                  free: {}
                """)) {
            pm.publish("cam", DESC, loop.next(), "t");
            pm.publish("free", DESC, loop.next(), "t");
            SessionRegistry reg = pm.sessions();
            SessionRegistry.Registration publisher = reg.register("rtsp", SessionRegistry.Role.PUBLISH, "cam", "a",
                    "", () -> 0, () -> { });
            SessionRegistry.Registration r1 = reg.register("rtsp", SessionRegistry.Role.READ, "cam", "b", "",
                    () -> 0, () -> { });
            pm.readable("cam"); // one reader of two: the publisher does not count
            SessionRegistry.Registration r2 = reg.register("rtmp", SessionRegistry.Role.READ, "cam", "c", "",
                    () -> 0, () -> { });
            assertThatThrownBy(() -> pm.readable("cam")).hasMessageContaining("already has 2 readers (maxReaders 2)")
                    .extracting(PathLimitsTest::reason).isEqualTo(PathException.Reason.MAX_READERS);
            assertThatThrownBy(() -> pm.checkReaderRoom(pm.get("cam"))).extracting(PathLimitsTest::reason)
                    .isEqualTo(PathException.Reason.MAX_READERS);
            for (int i = 0; i < 10; i++) {
                reg.register("srt", SessionRegistry.Role.READ, "free", "x" + i, "", () -> 0, () -> { });
            }
            pm.readable("free"); // maxReaders 0: no limit
            r2.close();
            pm.readable("cam"); // room again
            r1.close();
            publisher.close();
        }
    }
}
