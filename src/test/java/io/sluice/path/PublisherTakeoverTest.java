package io.sluice.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import io.sluice.conf.ConfLoader;
import io.sluice.forward.Dest;
import io.sluice.forward.DestContext;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** overridePublisher: a second publisher replaces the first, or is refused with the reason. */
@Timeout(20)
class PublisherTakeoverTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final AtomicInteger kicksOfFirst = new AtomicInteger();
    private final AtomicInteger streamEnds = new AtomicInteger();

    private static StreamDesc desc(Codec codec, String name) {
        return new StreamDesc(List.of(new MediaDesc(MediaType.VIDEO, "",
                List.of(new Format(96, codec, name, 90000, 0, "packetization-mode=1")))));
    }

    private static final StreamDesc H264 = desc(Codec.H264, "H264");

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static Dest dest() {
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

    /** A manager whose path "cam" has the given overridePublisher line (or none: the default). */
    private static PathManager manager(String override) throws Exception {
        PathManager pm = new PathManager(ConfLoader.parse("""
                paths:
                  cam:
                    %s
                    forwardTargets:
                      - {id: a, url: "rtsp://127.0.0.1:9/x"}
                """.formatted(override), "test.yml"), PathManagerDeps.of(d -> dest(), InstantSource.system()));
        pm.start();
        return pm;
    }

    @Test
    void byDefaultTheNewPublisherTakesTheStreamAndTheOldOneIsKicked() throws Exception {
        try (PathManager pm = manager("")) {
            Path path = pm.get("cam");
            Publisher first = pm.publish("cam", H264, loop.next(), "first", kicksOfFirst::incrementAndGet);
            Stream stream = first.stream();
            path.onStreamEnd(streamEnds::incrementAndGet);
            assertThat(path.refusesNewPublisher()).isFalse();

            Publisher second = pm.publish("cam", H264, loop.next(), "second", () -> { });

            assertThat(kicksOfFirst).as("the old publisher's connection is closed").hasValue(1);
            assertThat(second.stream()).as("readers and targets keep their stream").isSameAs(stream);
            assertThat(path.publisherDescription()).isEqualTo("second");
            // the kicked connection then closes its publisher: the path keeps the newcomer's stream
            first.close();
            assertThat(pm.readable("cam").stream()).isSameAs(stream);
            assertThat(path.publisherDescription()).isEqualTo("second");
            assertThat(streamEnds).as("readers were not dropped").hasValue(0);
            second.close();
        }
    }

    @Test
    void aDifferentStreamReplacesTheOldOneAndItsReadersStartAgain() throws Exception {
        try (PathManager pm = manager("overridePublisher: yes")) {
            Path path = pm.get("cam");
            Publisher first = pm.publish("cam", H264, loop.next(), "first", kicksOfFirst::incrementAndGet);
            path.onStreamEnd(streamEnds::incrementAndGet);

            Publisher second = pm.publish("cam", desc(Codec.H265, "H265"), loop.next(), "second", () -> { });

            assertThat(kicksOfFirst).hasValue(1);
            assertThat(second.stream()).isNotSameAs(first.stream());
            assertThat(streamEnds).as("the readers of the old stream are told it ended").hasValue(1);
            first.close();
            assertThat(pm.readable("cam").stream()).isSameAs(second.stream());
        }
    }

    @Test
    void overridePublisherNoRefusesTheNewcomerWithTheReason() throws Exception {
        try (PathManager pm = manager("overridePublisher: no")) {
            Publisher first = pm.publish("cam", H264, loop.next(), "first", kicksOfFirst::incrementAndGet);
            assertThat(pm.get("cam").refusesNewPublisher()).isTrue();

            assertThatThrownBy(() -> pm.publish("cam", H264, loop.next(), "second", () -> { }))
                    .isInstanceOf(PathException.class)
                    .hasMessage("path 'cam' already has a publisher (first) and its overridePublisher is no")
                    .extracting(e -> ((PathException) e).reason()).isEqualTo(PathException.Reason.BUSY);

            assertThat(kicksOfFirst).hasValue(0);
            assertThat(pm.readable("cam").stream()).isSameAs(first.stream());
        }
    }

    @Test
    void aPublisherThatCannotBeDisconnectedIsNotReplaced() throws Exception {
        try (PathManager pm = manager("")) {
            Publisher source = pm.publish("cam", H264, loop.next(), "pull source");
            assertThat(pm.get("cam").refusesNewPublisher()).isTrue();
            assertThatThrownBy(() -> pm.publish("cam", H264, loop.next(), "second", () -> { }))
                    .hasMessageContaining("which cannot be replaced");
            assertThat(pm.readable("cam").stream()).isSameAs(source.stream());
        }
    }

    /** What WHIP uses at its POST: a free path is taken, a path with a publisher is left alone (no kick). */
    @Test
    void publishIfVacantTakesAFreePathAndNeverTakesOver() throws Exception {
        try (PathManager pm = manager("")) {
            Publisher first = pm.publishIfVacant("cam", H264, loop.next(), "first", kicksOfFirst::incrementAndGet);
            assertThat(first).isNotNull();
            assertThat(pm.get("cam").publisherDescription()).isEqualTo("first");
            assertThat(pm.publishIfVacant("cam", H264, loop.next(), "second", () -> { })).isNull();
            assertThat(kicksOfFirst.get()).isZero();
            assertThat(pm.get("cam").publisherDescription()).isEqualTo("first");
            first.close();
        }
    }
}
