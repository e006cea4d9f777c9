package io.sluice.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import io.sluice.conf.ConfLoader;
import io.sluice.forward.Dest;
import io.sluice.forward.DestContext;
import io.sluice.forward.DestState;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.StreamDesc;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class PathManagerTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AtomicInteger runs = new AtomicInteger();
    private static final StreamDesc DESC = new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "",
            List.of(new Format(96, Codec.H264, "H264", 90000, 0, "")))));

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** A target that "forwards" until closed. */
    private Dest dest() {
        CountDownLatch closed = new CountDownLatch(1);
        return new Dest() {
            @Override
            public void run(DestContext ctx) throws Exception {
                runs.incrementAndGet();
                closed.await();
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
    }

    private PathManager manager() throws Exception {
        PathManager pm = new PathManager(ConfLoader.parse("""
                paths:
                  fixed:
                    publisherGrace: 0
                    forwardTargets:
                      - {id: a, url: "rtsp://127.0.0.1:9/x"}
                  "~^cam[0-9]+$":
                    publisherGrace: 0
                    forwardTargets:
                      - {id: b, url: "rtsp://127.0.0.1:9/y"}
                """, "test.yml"), PathManagerDeps.of(d -> dest(), InstantSource.system()));
        pm.start();
        return pm;
    }

    @Test
    void configuredPathsExistBeforeAnyPublisherWithIdleTargets() throws Exception {
        try (PathManager pm = manager()) {
            assertThat(pm.paths()).extracting(Path::name).containsExactly("fixed");
            assertThat(pm.get("fixed").forwardStats().getFirst().state()).isEqualTo(DestState.IDLE);
        }
    }

    @Test
    void publishStartsTheTargetsAndASecondPublisherIsRefused() throws Exception {
        try (PathManager pm = manager()) {
            Publisher p = pm.publish("cam7", DESC, loop.next(), "test");
            assertThat(pm.readable("cam7").stream()).isSameAs(p.stream());
            assertThatThrownBy(() -> pm.publish("cam7", DESC, loop.next(), "second"))
                    .isInstanceOf(PathException.class).hasMessageContaining("already has a publisher")
                    .extracting(e -> ((PathException) e).reason()).isEqualTo(PathException.Reason.BUSY);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (runs.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(runs.get()).isEqualTo(1);
            p.close();
            assertThatThrownBy(() -> pm.readable("cam7")).isInstanceOf(PathException.class)
                    .extracting(e -> ((PathException) e).reason()).isEqualTo(PathException.Reason.NO_STREAM);
        }
    }

    @Test
    void pathsFromPatternsAreForgottenWhenTheirPublisherLeaves() throws Exception {
        try (PathManager pm = manager()) {
            Publisher p = pm.publish("cam1", DESC, loop.next(), "test");
            assertThat(pm.get("cam1")).isNotNull();
            p.close();
            assertThat(pm.get("cam1")).isNull();
            Publisher f = pm.publish("fixed", DESC, loop.next(), "test");
            f.close();
            assertThat(pm.get("fixed")).as("configured paths stay").isNotNull();
        }
    }

    @Test
    void unknownPathsAreRefused() throws Exception {
        try (PathManager pm = manager()) {
            assertThatThrownBy(() -> pm.publish("other", DESC, loop.next(), "test"))
                    .isInstanceOf(PathException.class).hasMessageContaining("not configured");
            assertThat(pm.confFor("cam12")).isNotNull();
            assertThat(pm.confFor("camx")).isNull();
        }
    }
}
