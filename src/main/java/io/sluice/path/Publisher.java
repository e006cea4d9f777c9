package io.sluice.path;

import io.sluice.stream.Stream;

/**
 * Publisher is a publisher's hold on a path: the stream it writes to, and {@link #close()} to end it
 * (forwarders stop, readers are told).
 */
public interface Publisher extends AutoCloseable {
    Stream stream();

    /** Ends publishing. Idempotent. */
    @Override
    void close();
}
