package io.sluice.path;

import io.netty.channel.EventLoop;
import io.sluice.conf.Durations;
import io.sluice.conf.GopCacheConf;
import io.sluice.stream.BridgeCompatibility;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PublisherHandover is who publishes on one path and what becomes of the stream when they change: a new
 * publisher starts a stream; one that leaves keeps its stream, readers and forward targets for
 * {@code publisherGrace} (an orphan); a publisher arriving within the grace, or replacing the current one
 * ({@link PublisherTakeover}), or a pull source replacing a stopped one, takes the stream over when it is
 * compatible and starts a new one otherwise. Apart from {@link Path}, which keeps the path's entry, pull source,
 * on-demand state and forward targets.
 *
 * <p>Thread-safe: publishers arrive and leave on their own threads, graces end on the timer's thread. State
 * changes under this object's lock; the readers' end callbacks and the kick of a replaced publisher run after it
 * is released, since they may call back into the path.
 */
final class PublisherHandover {
    private static final Logger LOG = LoggerFactory.getLogger(PublisherHandover.class);

    /** The path this hand-over serves: its name, its current entry and its forward targets. */
    private final Path path;
    private final String name;
    /** Told when a stream becomes ready and when it ends (hooks: runOnReady, runOnNotReady). */
    private final PathEvents events;
    /** Ends the grace of a stream whose publisher left ({@code publisherGrace}). */
    private final GraceTimer graceTimer;
    /** The GOP cache bounds of the current configuration, read when a stream starts. */
    private final Supplier<GopCacheConf> gopCache;
    /** Called after the publisher left and its stream ended (the manager may drop a path made from a pattern). */
    private final Runnable onIdle;
    /** Guarded by this. */
    private PublisherHandle publisher;
    /**
     * The stream of a publisher that left, kept with its readers and forward targets until a new publisher
     * of the same stream takes it over or the grace ends; null otherwise. Guarded by this.
     */
    private Orphan orphan;
    /** Set when the path closes: a publisher leaving then ends the stream at once. Guarded by this. */
    private boolean closing;

    PublisherHandover(Path path, PathEvents events, GraceTimer graceTimer, Supplier<GopCacheConf> gopCache,
            Runnable onIdle) {
        this.path = path;
        this.name = path.name();
        this.events = events;
        this.graceTimer = graceTimer;
        this.gopCache = gopCache;
        this.onIdle = onIdle;
    }

    /** The current stream, or null. */
    synchronized Stream stream() {
        return publisher == null ? null : publisher.stream;
    }

    /** The event loop the current publisher's packets arrive on, or null. */
    synchronized EventLoop loop() {
        return publisher == null ? null : publisher.loop;
    }

    /** Who publishes, or null. */
    synchronized String who() {
        return publisher == null ? null : publisher.who;
    }

    /** When the current stream came up, or null. */
    synchronized Instant since() {
        return publisher == null ? null : publisher.since;
    }

    synchronized boolean hasPublisher() {
        return publisher != null;
    }

    /** True while the stream of a publisher that left waits for a new one to take it over. */
    synchronized boolean awaitingPublisher() {
        return orphan != null;
    }

    /** Whether a publisher arriving now would be refused: the path has one and may not replace it. */
    synchronized boolean refusesNewPublisher() {
        return publisher != null && (!path.conf().overridePublisher() || publisher.kick == null);
    }

    synchronized boolean closing() {
        return closing;
    }

    /** From now on a publisher leaving ends its stream at once (no grace): the path is closing. */
    synchronized void startClosing() {
        closing = true;
    }

    /**
     * Makes {@code who} the publisher: a new stream, or the stream of a publisher that left (or that it
     * replaces, see {@link PublisherTakeover}) when compatible.
     *
     * @param kick closes the publisher's connection when a later one replaces it; null for a pull source, which
     *     no one replaces
     * @param vacantOnly null (and nothing taken over) when the path has a publisher
     * @param fromSource the path's pull source publishes: it replaces a stopped source's publisher at once
     */
    Publisher take(StreamDesc desc, EventLoop loop, String who, Runnable kick, boolean vacantOnly,
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
                    takeover = PublisherTakeover.of(name, path.conf(), publisher.who, publisher.kick, who);
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
        path.forwards().publisherAway();
    }

    /** A new stream for a new publisher. Called with the lock held. */
    private Publisher start(StreamDesc desc, EventLoop loop, String who, Runnable kick) {
        Stream s = StreamSetup.create(name, desc, gopCache.get());
        publisher = new PublisherHandle(s, loop, who, Instant.now(), kick);
        LOG.info("[path {}] stream ready from {} ({} medias)", name, who, desc.medias().size());
        path.forwards().streamReady(s, loop);
        events.streamReady(name, path.conf(), who);
        return publisher;
    }

    /**
     * The new publisher takes over the orphaned stream: readers and targets keep their sessions and carry
     * on at its first keyframe. Called with the lock held.
     */
    private Publisher adopt(Orphan o, StreamDesc desc, EventLoop loop, String who, Runnable kick) {
        o.stream.rebind(desc);
        StreamSetup.watchVideo(name, o.stream, desc); // the newcomer may send another picture size
        publisher = new PublisherHandle(o.stream, loop, who, Instant.now(), kick);
        long awayMs = (System.nanoTime() - o.leftNanos) / 1_000_000;
        LOG.info("[path {}] {} took over the stream {} left {} ms ago: its {} readers (local and forward targets)"
                + " carry on from the new publisher's first keyframe", name, who, o.who, awayMs,
                o.stream.readerCount());
        path.forwards().publisherBack(loop);
        return publisher;
    }

    /**
     * Ends a stream: targets stop, readers are dropped; returns the readers' end callbacks, which the
     * caller runs without the lock.
     */
    private List<Runnable> endStream(Stream s) {
        path.forwards().streamGone();
        s.close();
        events.streamEnded(name, path.conf());
        return path.streamEndCallbacks();
    }

    private void unpublish(PublisherHandle p) {
        synchronized (this) {
            if (publisher != p) {
                return;
            }
            publisher = null;
            Duration grace = path.conf().publisherGrace();
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
    private void orphan(PublisherHandle p, Duration grace) {
        p.stream.publisherLeft();
        Orphan o = new Orphan(p.stream, p.who, System.nanoTime());
        orphan = o;
        o.cancel = graceTimer.after(grace, () -> graceOver(o));
        path.forwards().publisherAway();
        LOG.info("[path {}] {} left: keeping {} readers and the forward targets for {} in case it comes back", name,
                p.who, p.stream.readerCount(), Durations.format(grace));
    }

    private void graceOver(Orphan o) {
        List<Runnable> ended;
        synchronized (this) {
            if (orphan != o) {
                return;
            }
            orphan = null;
            LOG.info("[path {}] no publisher came back within {}: stream gone", name,
                    Durations.format(path.conf().publisherGrace()));
            ended = endStream(o.stream);
        }
        ended.forEach(Runnable::run);
        onIdle.run();
    }

    /**
     * Ends the stream, the publisher's or an orphan's, at once: the path closes ({@link #startClosing()} was
     * called, and its pull source's publisher has left).
     */
    void close() {
        PublisherHandle p;
        Orphan o;
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
    }

    /** A stream whose publisher left, waiting for another. */
    private static final class Orphan {
        final Stream stream;
        final String who;
        final long leftNanos;
        /** Cancels the end of the grace; set right after construction, under the hand-over's lock. */
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
        final Instant since;
        /** Closes the publisher's connection (a newcomer replaces it), or null. */
        final Runnable kick;

        PublisherHandle(Stream stream, EventLoop loop, String who, Instant since, Runnable kick) {
            this.stream = stream;
            this.loop = loop;
            this.who = who;
            this.since = since;
            this.kick = kick;
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
