package io.sluice.source;

import io.sluice.path.Publisher;
import io.sluice.path.SessionRegistry;
import io.sluice.stream.Stream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * SourcePublisher is the path's publisher as a pull source holds it for one session: it counts what the
 * session published (the stream's counters from the moment it took the path, since a stream taken over after
 * a publisher's grace carries earlier counts), and closing it also ends the session's registration.
 */
final class SourcePublisher implements Publisher {
    private final Publisher publisher;
    private final long bytesAtStart;
    private final long packetsAtStart;
    private final Consumer<SourcePublisher> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile SessionRegistry.Registration registration;

    /** @param onClose called once, first thing in close, while the counts are final */
    SourcePublisher(Publisher publisher, Consumer<SourcePublisher> onClose) {
        this.publisher = publisher;
        this.bytesAtStart = publisher.stream().bytesIn();
        this.packetsAtStart = publisher.stream().packetsIn();
        this.onClose = onClose;
    }

    void registered(SessionRegistry.Registration r) {
        registration = r;
    }

    @Override
    public Stream stream() {
        return publisher.stream();
    }

    long bytes() {
        return publisher.stream().bytesIn() - bytesAtStart;
    }

    long packets() {
        return publisher.stream().packetsIn() - packetsAtStart;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        onClose.accept(this);
        SessionRegistry.Registration r = registration;
        if (r != null) {
            r.close();
        }
        publisher.close();
    }
}
