package io.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.sluice.path.Publisher;
import io.sluice.protocol.rtp.Depacketizer;
import io.sluice.stream.MediaType;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.StreamReader;
import io.sluice.stream.Unit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * FakeSourceContext is a source runner's context for the protocol sources' tests: it publishes into a real
 * stream whose reader counts the access units per media type, and records whether the publisher was closed.
 */
public final class FakeSourceContext implements SourceContext {
    private final EventLoop loop;
    public final List<StreamDesc> published = new CopyOnWriteArrayList<>();
    public final AtomicLong videoAus = new AtomicLong();
    public final AtomicLong audioAus = new AtomicLong();
    public final AtomicBoolean publisherClosed = new AtomicBoolean();

    public FakeSourceContext(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public String pathName() {
        return "cam";
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public Publisher publish(StreamDesc desc) {
        assertThat(loop.inEventLoop()).as("publish on the context's loop").isTrue();
        published.add(desc);
        Stream stream = new Stream(desc, i -> null, i -> Depacketizer.forFormat(desc.medias().get(i).format()));
        stream.addReader((StreamReader) (Unit u) -> (desc.medias().get(u.media()).type() == MediaType.VIDEO
                ? videoAus : audioAus).addAndGet(u.accessUnits().size()), false, true);
        return new Publisher() {
            @Override
            public Stream stream() {
                return stream;
            }

            @Override
            public void close() {
                publisherClosed.set(true);
            }
        };
    }
}
