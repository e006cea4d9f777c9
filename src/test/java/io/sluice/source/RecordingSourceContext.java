package io.sluice.source;

import io.netty.channel.EventLoop;
import io.sluice.path.Publisher;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * RecordingSourceContext stands in for the source runner in a protocol source's tests: it publishes a plain
 * stream, and records the publish, the thread it came on, the link figures and the publisher's close.
 */
public final class RecordingSourceContext implements SourceContext {
    private final EventLoop loop;
    public final CompletableFuture<Stream> published = new CompletableFuture<>();
    public final CompletableFuture<Void> publisherClosed = new CompletableFuture<>();
    public volatile boolean publishedOnLoop;
    public volatile Supplier<Map<String, Number>> figures = Map::of;

    public RecordingSourceContext(EventLoop loop) {
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
        publishedOnLoop = loop.inEventLoop();
        Stream s = new Stream(desc, i -> null);
        published.complete(s);
        return new Publisher() {
            @Override
            public Stream stream() {
                return s;
            }

            @Override
            public void close() {
                s.close();
                publisherClosed.complete(null);
            }
        };
    }

    @Override
    public void linkStats(Supplier<Map<String, Number>> figures) {
        this.figures = figures;
    }
}
