package io.sluice.path;

import io.netty.channel.EventLoop;
import io.sluice.conf.PathConf;
import io.sluice.forward.DestStats;
import io.sluice.forward.ForwardManager;
import io.sluice.protocol.rtp.Depacketizer;
import io.sluice.protocol.rtp.KeyframeDetector;
import io.sluice.protocol.rtp.RtpFormatException;
import io.sluice.stream.BridgeCompatibility;
import io.sluice.stream.Format;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Path is one named path: at most one publisher's stream at a time, the readers attached to it, and
 * the forward targets that follow the stream's life.
 *
 * <p>Over 400 lines: the stream's whole life is here (publish, takeover, publisherGrace, pull source, on-demand
 * signals); the parts with state machines of their own live beside it ({@link PathDemand},
 * {@link PublisherTakeover}, the pull source).
 */
public final class Path implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Path.class);

    private final String name;
    private volatile PathConf conf;
    private final ForwardManager forwards;
    /** Called when the stream ends, so readers can close their sessions. */
    private final CopyOnWriteArrayList<Runnable> onStreamEnd = new CopyOnWriteArrayList<>();
    private final Runnable onIdle;
    private final GraceTimer graceTimer;
    private PublisherHandle publisher;
    /** Told when a stream becomes ready and when it ends (hooks: runOnReady, runOnNotReady). */
    private final PathEvents events;
    /** The GOP cache bounds of the current configuration, read when a stream starts. */
    private final java.util.function.Supplier<io.sluice.conf.GopCacheConf> gopCache;
    /** Set by close(): a publisher leaving then ends the stream at once. Guarded by this. */
    private boolean closing;
    /**
     * The stream of a publisher that left, kept with its readers and forward targets until a new publisher
     * of the same stream takes it over or the grace ends; null otherwise. Guarded by this.
     */
    private Orphan orphan;
    /** The pull source of the entry, when it pulls. */
    private final PathPull pull;
    /** Brings the stream while readers want it; null when the path's entry does not bring it on demand. */
    private volatile PathDemand demand;

    /**
     * @param onIdle called after the publisher left and its stream ended (the manager may drop a path
     *     made from a pattern)
     * @param graceTimer ends the grace of a stream whose publisher left ({@code publisherGrace})
     */
    Path(String name, PathConf conf, ForwardManager forwards, Runnable onIdle, GraceTimer graceTimer) {
        this(name, conf, forwards, onIdle, graceTimer, () -> io.sluice.conf.GopCacheConf.DEFAULT, PathPull.Maker.NONE);
    }

    /** @param gopCache the GOP cache bounds, read each time a stream starts */
    Path(String name, PathConf conf, ForwardManager forwards, Runnable onIdle, GraceTimer graceTimer,
            java.util.function.Supplier<io.sluice.conf.GopCacheConf> gopCache, PathPull.Maker sourceMaker) {
        this(name, conf, forwards, onIdle, graceTimer, gopCache, sourceMaker, PathEvents.NONE);
    }

    /** @param events told when a stream becomes ready and when it ends */
    Path(String name, PathConf conf, ForwardManager forwards, Runnable onIdle, GraceTimer graceTimer,
            java.util.function.Supplier<io.sluice.conf.GopCacheConf> gopCache, PathPull.Maker sourceMaker,
            PathEvents events) {
        this.events = events;
        this.pull = new PathPull(name, sourceMaker, new Feed());
        this.name = name;
        this.conf = conf;
        this.forwards = forwards;
        this.onIdle = onIdle;
        this.graceTimer = graceTimer;
        this.gopCache = gopCache;
    }

    public String name() {
        return name;
    }

    public PathConf conf() {
        return conf;
    }

    /** The current stream, or null. */
    public synchronized Stream stream() {
        return publisher == null ? null : publisher.stream;
    }

    /**
     * The event loop the current publisher's packets arrive on, or null. A reader whose socket is not a
     * Netty channel (SRT) writes on this loop, so that it gets packets inline like a forwarder does.
     */
    public synchronized EventLoop publisherLoop() {
        return publisher == null ? null : publisher.loop;
    }

    /** Who publishes, e.g. "rtspSession 127.0.0.1:40012", or null. */
    public synchronized String publisherDescription() {
        return publisher == null ? null : publisher.who;
    }

    /**
     * A protocol server's publisher: refused while the entry pulls, since the path's stream is its source's;
     * otherwise it becomes the publisher ({@link #publishStream}).
     *
     * @param kick closes this publisher's connection, for a later publisher that replaces it; null when it
     *     cannot be replaced
     */
    Publisher publish(StreamDesc desc, EventLoop loop, String who, Runnable kick) throws PathException {
        return publish(desc, loop, who, kick, false);
    }

    /** As {@link #publish}; with {@code vacantOnly}, null (and nothing taken over) when the path has a publisher. */
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

    /** A publisher's or the source's stream comes: readers waiting for it on demand get it. */
    private Publisher publishStream(StreamDesc desc, EventLoop loop, String who, Runnable kick, boolean vacantOnly,
            boolean fromSource) throws PathException {
        Publisher p = takeStream(desc, loop, who, kick, vacantOnly, fromSource);
        if (p == null) {
            return null;
        }
        PathDemand d = demand;
        if (d != null) {
            d.streamReady(); // outside the lock: it completes readers waiting for the stream
        }
        return p;
    }

    /**
     * Makes {@code who} the publisher: a new stream, or the stream of a publisher that left (or that it
     * replaces, see {@link PublisherTakeover}) when compatible.
     *
     * @param kick as for {@link #publish}; null for a pull source, which no one replaces
     * @param fromSource the path's pull source publishes: it replaces a stopped source's publisher at once
     */
    private Publisher takeStream(StreamDesc desc, EventLoop loop, String who, Runnable kick, boolean vacantOnly,
            boolean fromSource) throws PathException {
        PublisherTakeover takeover = null;
        try {
            List<Runnable> ended;
            Publisher started;
            synchronized (this) {
                if (publisher != null && vacantOnly) {
                    return null;
                }
                if (publisher != null && fromSource && publisher.kick == null) {
                    // A pull source replacing the one before it (its entry's source changed): the old runner
                    // was stopped and its publisher leaves a moment later; waiting for that would cost the new
                    // source a failed attempt and a backoff.
                    LOG.info("[path {}] {} replaces the stopped source {}", name, who, publisher.who);
                    replaced(publisher);
                } else if (publisher != null) {
                    takeover = PublisherTakeover.of(name, conf, publisher.who, publisher.kick, who);
                    replaced(publisher);
                }
                Orphan o = orphan;
                if (o == null) {
                    return start(desc, loop, who, kick);
                }
                orphan = null;
                o.cancel.run();
                String mismatch = BridgeCompatibility.mismatch(o.stream.desc(), desc);
                if (mismatch.isEmpty()) {
                    return adopt(o, desc, loop, who, kick);
                }
                LOG.info("[path {}] {} publishes a different stream than {} did ({}): readers and targets start"
                        + " again", name, who, o.who, mismatch);
                ended = endStream(o.stream);
                started = start(desc, loop, who, kick);
            }
            // Outside the lock, as when a publisher leaves: closing a reader may call back into the path.
            ended.forEach(Runnable::run);
            return started;
        } finally {
            if (takeover != null) {
                takeover.kickOld(); // its close then finds another publisher on the path and leaves it be
            }
        }
    }

    /**
     * The current publisher is being replaced: its stream waits for the newcomer as if it had left, with no
     * grace to run out (the newcomer is here). Called with the lock held.
     */
    private void replaced(PublisherHandle p) {
        publisher = null;
        p.stream.publisherLeft();
        orphan = new Orphan(p.stream, p.who, System.nanoTime());
        forwards.publisherAway();
    }

    /** Whether a publisher arriving now would be refused: the path has one and may not replace it. */
    public synchronized boolean refusesNewPublisher() {
        return publisher != null && (!conf.overridePublisher() || publisher.kick == null);
    }

    /** A new stream for a new publisher. Called with the lock held. */
    private Publisher start(StreamDesc desc, EventLoop loop, String who, Runnable kick) {
        Stream s = new Stream(desc, i -> {
            KeyframeDetector d = KeyframeDetector.forCodec(desc.medias().get(i).format().codec());
            return d == KeyframeDetector.NONE ? null : d::isKeyframePacket;
        }, i -> assembler(desc.medias().get(i).format()), gopCache.get());
        watchVideo(s, desc);
        publisher = new PublisherHandle(s, loop, who, java.time.Instant.now(), kick);
        LOG.info("[path {}] stream ready from {} ({} medias)", name, who, desc.medias().size());
        forwards.streamReady(s, loop);
        events.streamReady(name, conf, who);
        return publisher;
    }

    /**
     * The new publisher takes over the orphaned stream: readers and targets keep their sessions and carry
     * on at its first keyframe. Called with the lock held.
     */
    private Publisher adopt(Orphan o, StreamDesc desc, EventLoop loop, String who, Runnable kick) {
        o.stream.rebind(desc);
        watchVideo(o.stream, desc); // the newcomer may send another picture size
        publisher = new PublisherHandle(o.stream, loop, who, java.time.Instant.now(), kick);
        long awayMs = (System.nanoTime() - o.leftNanos) / 1_000_000;
        LOG.info("[path {}] {} took over the stream {} left {} ms ago: its {} readers (local and forward targets)"
                + " carry on from the new publisher's first keyframe", name, who, o.who, awayMs, o.stream.readerCount());
        forwards.publisherBack(loop);
        return publisher;
    }

    /**
     * Ends a stream: targets stop, readers are dropped; returns the readers' end callbacks, which the
     * caller runs without the lock.
     */
    private List<Runnable> endStream(Stream s) {
        forwards.streamGone();
        s.close();
        events.streamEnded(name, conf);
        PathDemand d = demand;
        if (d == null) {
            return List.copyOf(onStreamEnd);
        }
        List<Runnable> ended = new java.util.ArrayList<>(onStreamEnd);
        ended.add(d::streamGone);
        return ended;
    }

    /** Gives the stream's quality meter the main video's picture size: announced now, in-band later. */
    private void watchVideo(Stream s, StreamDesc desc) {
        int m = s.keyframeMedia();
        if (m < 0 || m >= desc.medias().size()) {
            return;
        }
        Format f = desc.medias().get(m).format();
        s.quality().watch(io.sluice.protocol.rtp.SpsProbe.forFormat(f));
        try {
            s.quality().videoParams(io.sluice.protocol.rtp.SpsProbe.announced(f));
        } catch (RtpFormatException e) {
            LOG.warn("[path {}] announced {} SPS not read, the picture size waits for one in-band: {}", name,
                    f.codec(), e.getMessage());
        }
    }

    /** The depacketizer for a format, or null when its payloads are whole units or its mode is unsupported. */
    private Depacketizer assembler(Format f) {
        try {
            return Depacketizer.forFormat(f);
        } catch (RtpFormatException e) {
            LOG.warn("[path {}] {} track cannot be re-framed: {}", name, f.codec(), e.getMessage());
            return null;
        }
    }

    private void unpublish(PublisherHandle p) {
        synchronized (this) {
            if (publisher != p) {
                return;
            }
            publisher = null;
            java.time.Duration grace = conf.publisherGrace();
            if (!closing && !grace.isZero()) {
                orphan(p, grace);
                return;
            }
        }
        LOG.info("[path {}] stream gone", name);
        endStream(p.stream).forEach(Runnable::run);
        onIdle.run();
    }

    /** Keeps the stream of a publisher that left for {@code grace}. Called with the lock held. */
    private void orphan(PublisherHandle p, java.time.Duration grace) {
        p.stream.publisherLeft();
        Orphan o = new Orphan(p.stream, p.who, System.nanoTime());
        orphan = o;
        o.cancel = graceTimer.after(grace, () -> graceOver(o));
        forwards.publisherAway();
        LOG.info("[path {}] {} left: keeping {} readers and the forward targets for {} in case it comes back", name,
                p.who, p.stream.readerCount(), io.sluice.conf.Durations.format(grace));
    }

    private void graceOver(Orphan o) {
        List<Runnable> ended;
        synchronized (this) {
            if (orphan != o) {
                return;
            }
            orphan = null;
            LOG.info("[path {}] no publisher came back within {}: stream gone", name,
                    io.sluice.conf.Durations.format(conf.publisherGrace()));
            ended = endStream(o.stream);
        }
        ended.forEach(Runnable::run);
        onIdle.run();
    }

    /** True while the path keeps the stream of a publisher that left, waiting for a new one to take it over. */
    public synchronized boolean awaitingPublisher() {
        return orphan != null;
    }

    /** When the current stream came up, or null. */
    public synchronized java.time.Instant readySince() {
        return publisher == null ? null : publisher.since;
    }

    /** True while a publisher is on the path. */
    public synchronized boolean hasPublisher() {
        return publisher != null;
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
        PublisherHandle p;
        Orphan o;
        synchronized (this) {
            closing = true;
        }
        pull.close(); // its publisher leaves first, and with closing set its stream ends at once
        synchronized (this) {
            p = publisher;
            o = orphan;
            orphan = null;
        }
        if (p != null) {
            unpublish(p);
        }
        if (o != null) {
            o.cancel.run();
            LOG.info("[path {}] stream gone", name);
            List<Runnable> ended;
            synchronized (this) {
                ended = endStream(o.stream);
            }
            ended.forEach(Runnable::run);
        }
        forwards.close();
    }

    /** The source's door: publishes as a protocol server's publisher does, without the refusal. */
    private final class Feed implements SourceFeed {
        @Override
        public Publisher publish(StreamDesc desc, EventLoop loop, String who) throws PathException {
            synchronized (Path.this) {
                if (closing) {
                    throw new PathException(PathException.Reason.NO_STREAM, "path '" + name + "' is closing");
                }
            }
            return publishStream(desc, loop, who, null, false, true);
        }
    }

    /** A stream whose publisher left, waiting for another. */
    private static final class Orphan {
        final Stream stream;
        final String who;
        final long leftNanos;
        /** Cancels the end of the grace; set right after construction, under the path's lock. */
        Runnable cancel = () -> { };

        Orphan(Stream stream, String who, long leftNanos) {
            this.stream = stream;
            this.who = who;
            this.leftNanos = leftNanos;
        }
    }

    private final class PublisherHandle implements Publisher {
        final Stream stream;
        final EventLoop loop;
        final String who;

        final java.time.Instant since;
        /** Closes the publisher's connection (a newcomer replaces it), or null. */
        final Runnable kick;

        PublisherHandle(Stream stream, EventLoop loop, String who, java.time.Instant since, Runnable kick) {
            this.since = since;
            this.kick = kick;
            this.stream = stream;
            this.loop = loop;
            this.who = who;
        }

        @Override
        public Stream stream() {
            return stream;
        }

        @Override
        public void close() {
            unpublish(this);
        }
    }
}
