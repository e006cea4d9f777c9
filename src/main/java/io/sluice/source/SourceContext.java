package io.sluice.source;

import io.netty.channel.EventLoop;
import io.sluice.path.PathException;
import io.sluice.path.Publisher;
import io.sluice.stream.StreamDesc;
import java.util.Map;
import java.util.function.Supplier;

/**
 * SourceContext is what a {@link Source} gets from its runner for one attempt: the path it feeds, the event
 * loop its sockets belong on, and the call that makes it the path's publisher.
 */
public interface SourceContext {

    /** The stream path this source feeds (a regex entry's source runs once per matching path). */
    String pathName();

    /**
     * The event loop for the session's sockets and for every write to the stream: the stream fans out on the
     * loop its publisher writes on, so readers and forward targets get packets inline.
     */
    EventLoop loop();

    /**
     * Makes the source the path's publisher with the tracks it learned; the source then writes to
     * {@link Publisher#stream()} on {@link #loop()} and closes the publisher when its session ends.
     *
     * @throws PathException when the path cannot take the stream (it is closing)
     */
    Publisher publish(StreamDesc desc) throws PathException;

    /**
     * Gives the transport's own figures for the stats (e.g. libsrt's RTT, RTP loss and jitter). The supplier is
     * called from any thread, whenever stats are read, and must not block or throw.
     */
    default void linkStats(Supplier<Map<String, Number>> figures) {
    }
}
