package io.sluice.forward;

import io.netty.channel.EventLoop;
import io.sluice.net.webrtc.IcePair;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * DestContext is what a {@link Dest} gets from its runner for one attempt: the stream to push, the
 * event loop it should put its sockets on (the publisher's, so packets need no thread hand-off), and
 * the callbacks that feed the target's stats.
 */
public interface DestContext {
    Stream stream();

    /** The publisher's event loop: sockets registered here get packets inline. */
    EventLoop loop();

    /** Capacity of the reader queue between the stream and this target, in packets. */
    int queueCapacity();

    /**
     * Reports the session as set up: which tracks are carried and which are skipped (logged once),
     * and the queue that now reads from the stream (its counters feed the stats).
     */
    void forwarding(List<TrackStatus> tracks, ReaderQueue queue);

    /**
     * Gives the transport's own figures for the stats (e.g. libsrt's RTT and retransmits). The
     * supplier is called from any thread, whenever stats are read, and must not block or throw.
     */
    default void linkStats(Supplier<Map<String, Number>> figures) {
    }

    /**
     * A WebRTC target's selected ICE pair (transport udp/tcp/relay and the two candidates), once connected;
     * the stats show it until the next session reports its own.
     */
    default void icePair(IcePair pair) {
    }
}
