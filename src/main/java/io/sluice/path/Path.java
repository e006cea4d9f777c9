package io.sluice.path;

import io.netty.channel.EventLoop;
import io.sluice.conf.GopCacheConf;
import io.sluice.conf.PathConf;
import io.sluice.forward.DestStats;
import io.sluice.forward.ForwardManager;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Path is one named path: at most one publisher's stream at a time, the readers attached to it, and
 * the forward targets that follow the stream's life.
 *
 * <p>The parts with state of their own live beside it: who publishes and the hand-over of the stream between
 * publishers ({@link PublisherHandover}, {@link PublisherTakeover}), the pull source ({@link PathPull}) and the
 * on-demand state machine ({@link PathDemand}). The path ties them to its entry and its forward targets.
 */
public final class Path implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Path.class);

    private final String name;
    private volatile PathConf conf;
    private final ForwardManager forwards;
    /** Called when the stream ends, so readers can close their sessions. */
    private final CopyOnWriteArrayList<Runnable> onStreamEnd = new CopyOnWriteArrayList<>();
    /** Who publishes, and the stream's hand-over from one publisher to the next. */
    private final PublisherHandover publisher;
    /** The pull source of the entry, when it pulls. */
    private final PathPull pull;
    /** Brings the stream while readers want it; null when the path's entry does not bring it on demand. */
    private volatile PathDemand demand;

    /**
     * @param onIdle called after the publisher left and its stream ended (the manager may drop a path
     *     made from a pattern)
     * @param graceTimer ends the grace of a stream whose publisher left ({@code publisherGrace})
     * @param gopCache the GOP cache bounds, read each time a stream starts
     * @param sourceMaker makes the pull source of an entry that pulls
     * @param events told when a stream becomes ready and when it ends
     */
    Path(String name, PathConf conf, ForwardManager forwards, Runnable onIdle, GraceTimer graceTimer,
            Supplier<GopCacheConf> gopCache, PathPull.Maker sourceMaker, PathEvents events) {
        this.name = name;
        this.conf = conf;
        this.forwards = forwards;
        this.publisher = new PublisherHandover(this, events, graceTimer, gopCache, onIdle);
        this.pull = new PathPull(name, sourceMaker, new Feed());
    }

    public String name() {
        return name;
    }

    public PathConf conf() {
        return conf;
    }

    /** The current stream, or null. */
    public Stream stream() {
        return publisher.stream();
    }

    /**
     * The event loop the current publisher's packets arrive on, or null. A reader whose socket is not a
     * Netty channel (SRT) writes on this loop, so that it gets packets inline like a forwarder does.
     */
    public EventLoop publisherLoop() {
        return publisher.loop();
    }

    /** Who publishes, e.g. "rtspSession 127.0.0.1:40012", or null. */
    public String publisherDescription() {
        return publisher.who();
    }

    /**
     * A protocol server's publisher: refused while the entry pulls, since the path's stream is its source's;
     * otherwise it becomes the publisher ({@link #publishStream}).
     *
     * @param kick closes this publisher's connection, for a later publisher that replaces it; null when it
     *     cannot be replaced
     * @param vacantOnly null (and nothing taken over) when the path has a publisher
     */
    Publisher publish(StreamDesc desc, EventLoop loop, String who, Runnable kick, boolean vacantOnly)
            throws PathException {
        PathConf c = conf;
        if (c.source().pulls()) {
            throw pulling(name, c);
        }
        return publishStream(desc, loop, who, kick, vacantOnly, false);
    }

    /** The refusal of a publisher on a path whose entry pulls (BUSY, which every protocol server maps). */
    static PathException pulling(String name, PathConf c) {
        return new PathException(PathException.Reason.BUSY, "path '" + name + "' takes its stream from its source ("
                + c.source().redactedUrl() + "), not from publishers");
    }

    /**
     * A publisher's or the source's stream comes ({@link PublisherHandover#take}): readers waiting for it on
     * demand get it.
     */
    private Publisher publishStream(StreamDesc desc, EventLoop loop, String who, Runnable kick, boolean vacantOnly,
            boolean fromSource) throws PathException {
        Publisher p = publisher.take(desc, loop, who, kick, vacantOnly, fromSource);
        if (p == null) {
            return null;
        }
        PathDemand d = demand;
        if (d != null) {
            d.streamReady(); // outside the hand-over's lock: it completes readers waiting for the stream
        }
        return p;
    }

    /**
     * What runs when the stream ends, after the hand-over's lock is released: the readers' callbacks, and the
     * on-demand state's when the path has one.
     */
    List<Runnable> streamEndCallbacks() {
        PathDemand d = demand;
        if (d == null) {
            return List.copyOf(onStreamEnd);
        }
        List<Runnable> ended = new ArrayList<>(onStreamEnd);
        ended.add(d::streamGone);
        return ended;
    }

    /** Whether a publisher arriving now would be refused: the path has one and may not replace it. */
    public boolean refusesNewPublisher() {
        return publisher.refusesNewPublisher();
    }

    /** True while the path keeps the stream of a publisher that left, waiting for a new one to take it over. */
    public boolean awaitingPublisher() {
        return publisher.awaitingPublisher();
    }

    /** When the current stream came up, or null. */
    public java.time.Instant readySince() {
        return publisher.since();
    }

    /** True while a publisher is on the path. */
    public boolean hasPublisher() {
        return publisher.hasPublisher();
    }

    /** The on-demand state ("idle", "starting", "ready", "closing"), or null when the path has none. */
    public String onDemandState() {
        PathDemand d = demand;
        return d == null ? null : d.state().json();
    }

    PathDemand demand() {
        return demand;
    }

    /** Sets (or, with null, removes) what brings the stream on demand; the one it replaces is closed. */
    void demand(PathDemand d) {
        PathDemand old = demand;
        demand = d;
        if (old != null) {
            old.close();
        }
    }

    /** Registers a callback run when the current stream ends; returns a handle to unregister it. */
    public AutoCloseable onStreamEnd(Runnable r) {
        onStreamEnd.add(r);
        return () -> onStreamEnd.remove(r);
    }

    /** Takes a changed entry: new settings for the next sessions, and the target list diffed by id. */
    void reconfigure(PathConf next, int writeQueueSize) {
        PathConf before = conf;
        conf = next;
        forwards.reload(next.forwardTargetsFor(name), next.forwardGroups(), writeQueueSize);
        if (!next.source().equals(before.source())) {
            LOG.info("[path {}] source changed: {} -> {}", name, before.source().redactedUrl(),
                    next.source().redactedUrl());
            replaceSource();
        }
    }

    /**
     * Makes the pull source of the current entry (none when it does not pull), stopping the one before; starts
     * it unless the entry pulls on demand. Called when the path is created and when its entry's source changes.
     */
    void replaceSource() {
        pull.replace(conf);
    }

    /** Starts pulling from the entry's source (for on-demand sources: when a reader asks). No-op without one. */
    public void startSource() {
        pull.start();
    }

    /** Stops pulling: the source's session ends and its publisher leaves the path. Does not block. */
    public void stopSource() {
        pull.stop();
    }

    /** The pull source's figures, or null when the entry does not pull. */
    public io.sluice.control.SourceStats sourceStats() {
        return pull.stats();
    }

    /** Why an enabled target of this path does not run now, "" when it runs. */
    public String forwardWaiting(String id) {
        return forwards.waiting(id);
    }

    public List<DestStats> forwardStats() {
        return forwards.stats();
    }

    ForwardManager forwards() {
        return forwards;
    }

    @Override
    public void close() {
        demand(null); // first: waiting readers are refused, and the starter stops with the stream
        publisher.startClosing();
        pull.close(); // its publisher leaves first, and with closing set its stream ends at once
        publisher.close();
        forwards.close();
    }

    /** The source's door: publishes as a protocol server's publisher does, without the refusal. */
    private final class Feed implements SourceFeed {
        @Override
        public Publisher publish(StreamDesc desc, EventLoop loop, String who) throws PathException {
            if (publisher.closing()) {
                throw new PathException(PathException.Reason.NO_STREAM, "path '" + name + "' is closing");
            }
            return publishStream(desc, loop, who, null, false, true);
        }
    }
}
