package io.sluice.path;

import io.netty.channel.EventLoop;
import io.sluice.conf.Conf;
import io.sluice.conf.PathConf;
import io.sluice.conf.PathNames;
import io.sluice.forward.BalancedPools;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PathManager finds or creates the path for a name (exact names, then regex names, then
 * {@code all_others}) and is what protocol servers ask to publish and to read.
 *
 * <p>It is also where the rules on names and numbers are applied, so that every protocol applies the same
 * ones ({@link PathLimits}): the path-name rule ({@link PathNames}), {@code maxPaths} and each path's
 * {@code maxReaders}. A refusal is a {@link PathException} with its reason; the protocol server turns it into its
 * own error and reports it with {@link #countRefusal}, which knows the protocol's label.
 *
 * <p>The manager keeps the table of paths; a path is made and wired by {@link PathFactory}, its stream's life is
 * {@link Path}'s, and the on-demand state machine is {@link PathDemand}.
 */
public final class PathManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PathManager.class);
    private volatile Conf conf;
    private final SessionRegistry sessions;
    private final PathLimits limits;
    private final PathFactory factory;
    /** Told of paths made, changed and removed, and of their streams and sessions (hooks). */
    private final PathEvents events;
    /** Guarded by this. */
    private final Map<String, Path> paths = new TreeMap<>();
    /** Guarded by this. */
    private boolean closed;

    public PathManager(Conf conf, PathManagerDeps deps) {
        this(conf, deps, null);
    }

    /** @param graceTimer the timer of publisher graces (tests), or null for the manager's own thread */
    PathManager(Conf conf, PathManagerDeps deps, GraceTimer graceTimer) {
        this.conf = conf;
        this.events = deps.events();
        this.sessions = new SessionRegistry(deps.clock(), events);
        this.limits = new PathLimits(() -> this.conf, sessions, deps.refusals());
        this.factory = new PathFactory(deps, () -> this.conf, sessions, limits, this::dropIfIdle, graceTimer);
        sessions.onReadersChanged(this::readersChanged);
    }

    /**
     * Sets which paths bring their stream on demand (sourceOnDemand, runOnDemand), for the paths that exist and
     * those to come. Called by core once, before or right after {@link #start}.
     */
    public synchronized void onDemand(OnDemandFactory onDemand) {
        factory.onDemand(onDemand);
        for (Path p : paths.values()) {
            factory.attachDemand(p, p.conf());
        }
    }

    private void readersChanged(String name) {
        Path p = get(name);
        PathDemand d = p == null ? null : p.demand();
        if (d != null) {
            d.readersChanged();
        }
    }

    /** Every publisher and reader session of every protocol server. */
    public SessionRegistry sessions() {
        return sessions;
    }

    /**
     * Creates the paths with exact names up front, so their forward targets show in stats before any
     * publisher arrives.
     */
    public synchronized void start() {
        createExactPaths();
    }

    private void createExactPaths() {
        for (PathConf pc : conf.paths()) {
            if (!pc.isRegex() && !isCatchAll(pc.name())) {
                try {
                    path(pc.name(), false);
                } catch (PathException e) {
                    throw new AssertionError("unlimited path creation refused", e);
                }
            }
        }
    }

    /**
     * Applies a new configuration to the paths. A path whose entry is unchanged is not touched; one whose
     * entry changed keeps its publisher and readers and gets the new settings (credentials apply to the
     * next sessions; forward targets are compared one by one and only changed ones restart); a path no
     * entry allows any more is closed (its publisher and readers are disconnected); new exact entries get
     * their paths.
     */
    public void reload(Conf next) {
        List<Path> gone = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            conf = next;
            for (var it = paths.entrySet().iterator(); it.hasNext();) {
                Path p = it.next().getValue();
                PathConf pc = next.pathFor(p.name());
                if (pc == null) {
                    it.remove();
                    gone.add(p);
                } else if (!pc.equals(p.conf())) {
                    p.reconfigure(pc, next.io().writeQueueSize());
                    events.pathChanged(p.name(), pc);
                    factory.attachDemand(p, pc);
                }
            }
            createExactPaths();
            factory.pools().retain(next.paths()); // a removed balanced group leaves the API
        }
        for (Path p : gone) {
            LOG.info("[path {}] no longer configured: closing it", p.name());
            events.pathRemoved(p.name());
            factory.closeLater(p);
        }
        // A dynamic path left idle by a change (e.g. its entry became exact and then was removed) is
        // dropped by its own onIdle when its publisher leaves.
    }

    private static boolean isCatchAll(String name) {
        return name.equals("all_others") || name.equals("all");
    }

    /** The balanced forward groups: each member's paths and load (API, status page, metrics). */
    public BalancedPools pools() {
        return factory.pools();
    }

    /** The configuration that applies to a path name, or null when no entry allows it. */
    public PathConf confFor(String name) {
        return conf.pathFor(name);
    }

    /**
     * The path of a name, created if its entry allows it.
     *
     * @param limited whether creating it is subject to maxPaths (false for the configured exact paths,
     *     which always exist)
     * @throws PathException MAX_PATHS when a new path would pass maxPaths
     */
    private synchronized Path path(String name, boolean limited) throws PathException {
        Path p = paths.get(name);
        if (p == null) {
            if (closed) {
                throw new IllegalStateException("server is stopping");
            }
            PathConf pc = conf.pathFor(name);
            if (pc == null) {
                return null;
            }
            if (limited) {
                limits.requireRoomForPath(name, paths.size());
            }
            p = factory.make(name, pc);
            paths.put(name, p);
            events.pathAdded(name, pc);
            p.replaceSource();
            factory.attachDemand(p, pc);
        }
        return p;
    }

    /**
     * Starts publishing on a path.
     *
     * @param loop the event loop on which the publisher's packets arrive
     * @param who a description of the publisher for logs and the API
     */
    public Publisher publish(String name, StreamDesc desc, EventLoop loop, String who) throws PathException {
        return publish(name, desc, loop, who, null);
    }

    /**
     * Starts publishing on a path, taking it over from its current publisher when the entry's
     * {@code overridePublisher} allows (see {@link PublisherTakeover}).
     *
     * @param kick closes this publisher's connection when a later one replaces it (any thread, must not block,
     *     idempotent); null when it may not be replaced
     */
    public Publisher publish(String name, StreamDesc desc, EventLoop loop, String who, Runnable kick)
            throws PathException {
        return publish(name, desc, loop, who, kick, false);
    }

    /**
     * As {@link #publish}, but only onto a path that has no publisher: null when it has one (nothing is taken
     * over). WHIP takes a free path at its POST, so that targets connect while ICE and DTLS run, but takes
     * one over only once its peer connection is up.
     */
    public Publisher publishIfVacant(String name, StreamDesc desc, EventLoop loop, String who, Runnable kick)
            throws PathException {
        return publish(name, desc, loop, who, kick, true);
    }

    private Publisher publish(String name, StreamDesc desc, EventLoop loop, String who, Runnable kick,
            boolean vacantOnly) throws PathException {
        checkName(name);
        Path p = path(name, true);
        if (p == null) {
            throw PathException.notConfigured(name);
        }
        return p.publish(desc, loop, who, kick, vacantOnly);
    }

    /**
     * Checks what can be checked before a publisher sends its stream (RTSP ANNOUNCE, RTMP publish, the SRT
     * handshake): the name, that an entry allows it, and that the path exists or maxPaths leaves room for
     * it. {@link #publish} checks again, since another publisher may take the room meanwhile.
     */
    public void checkPublish(String name) throws PathException {
        checkName(name);
        PathConf pc = conf.pathFor(name);
        if (pc == null) {
            throw PathException.notConfigured(name);
        }
        if (pc.source().pulls()) {
            throw Path.pulling(name, pc);
        }
        synchronized (this) {
            if (!paths.containsKey(name)) {
                limits.requireRoomForPath(name, paths.size());
            }
        }
    }

    /** Checks a name a client asked for against the path-name rule; BAD_NAME names the offending character. */
    public static void checkName(String name) throws PathException {
        PathLimits.checkName(name);
    }

    /**
     * Checks that one more reader may join a path: MAX_READERS when it already has its {@code maxReaders}
     * reader sessions. Readers count once registered in {@link #sessions()}, so two readers asking in the
     * same instant on different connections may both get in; forward targets never count.
     */
    public void checkReaderRoom(Path p) throws PathException {
        limits.checkReaderRoom(p);
    }

    /**
     * Counts a refusal of this manager's rules (bad name, maxPaths, maxReaders) under the protocol that
     * turned the client away; other reasons (not configured, busy, no stream) are not limits and are not
     * counted. Logged at most once per second per protocol and cause by {@link io.sluice.net.Refusals}.
     *
     * @param protocol "rtsp", "rtmp", "srt", "webrtc", ...
     * @param remote the client's address, "" when unknown
     * @return whether it was counted (and so logged, at most once a second: callers need not log it again)
     */
    public boolean countRefusal(String protocol, String remote, PathException e) {
        return limits.countRefusal(protocol, remote, e);
    }

    /**
     * The path with a stream to read, or an exception saying why there is none: BAD_NAME, NOT_CONFIGURED,
     * NO_STREAM, or MAX_READERS when the path already has its maxReaders.
     */
    public Path readable(String name) throws PathException {
        checkName(name);
        Path p;
        synchronized (this) {
            p = paths.get(name);
        }
        if (p == null && conf.pathFor(name) == null) {
            throw PathException.notConfigured(name);
        }
        Stream s = p == null ? null : p.stream();
        if (s == null) {
            throw PathException.noStream(name);
        }
        checkReaderRoom(p);
        return p;
    }

    /**
     * The path with a stream to read, as {@link #readable} says, except that a path whose entry brings its stream
     * on demand (sourceOnDemand, runOnDemand) and has none now starts it: the future then completes when the
     * stream is there, or fails after the start timeout (START_TIMEOUT). It fails with the {@link PathException}
     * of {@link #readable} otherwise (unwrap it with {@link PathException#of}); it may complete on any thread, so
     * a caller on an event loop continues on its own loop ({@code whenCompleteAsync(..., loop)}). Cancelling the
     * future withdraws the reader (its client left). Never blocks.
     */
    public CompletableFuture<Path> readableAsync(String name) {
        return readableAsync(name, "");
    }

    /**
     * {@link #readableAsync(String)} for a reader that sent this query with the path (without the '?'): an
     * on-demand start it triggers gets it (runOnDemand's MTX_QUERY).
     */
    public CompletableFuture<Path> readableAsync(String name, String query) {
        try {
            checkName(name);
            PathConf pc = conf.pathFor(name);
            Path p;
            synchronized (this) {
                p = paths.get(name);
                if (p == null && pc != null && factory.onDemand(pc)) {
                    p = path(name, true);
                }
            }
            if (p == null && pc == null) {
                throw PathException.notConfigured(name);
            }
            PathDemand d = p == null ? null : p.demand();
            if (d == null || p.stream() != null) {
                Path ready = readable(name);
                if (d != null) {
                    d.served();
                }
                return CompletableFuture.completedFuture(ready);
            }
            return d.demand(query);
        } catch (PathException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * What a reader's handshake can check before it waits for a stream (the SRT listener decides in its
     * callback): the name, the entry, and that the path has a stream or brings one on demand.
     */
    public void checkReadable(String name) throws PathException {
        checkName(name);
        PathConf pc = conf.pathFor(name);
        if (pc == null) {
            throw PathException.notConfigured(name);
        }
        Path p = get(name);
        if (p != null && p.stream() != null) {
            checkReaderRoom(p);
        } else if (!factory.onDemand(pc)) {
            throw PathException.noStream(name);
        }
    }

    /**
     * Forgets a path made from a regex or all_others entry once its publisher left, so that the map
     * does not grow with every name ever published. Configured exact paths stay (their targets show
     * in stats while idle).
     */
    private void dropIfIdle(String name) {
        Path p;
        synchronized (this) {
            p = paths.get(name);
            PathConf entry = conf.pathFor(name);
            boolean exact = entry != null && entry.name().equals(name);
            PathDemand d = p == null ? null : p.demand();
            if (p == null || p.hasPublisher() || exact || (d != null && d.active())) {
                return;
            }
            paths.remove(name);
        }
        events.pathRemoved(name);
        factory.closeLater(p);
    }

    public synchronized List<Path> paths() {
        return new ArrayList<>(paths.values());
    }

    /** The path by exact name, or null. */
    public synchronized Path get(String name) {
        return paths.get(name);
    }

    /** Ends every stream and stops every forwarder. */
    @Override
    public void close() {
        List<Path> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(paths.values());
            paths.clear();
        }
        for (Path p : all) {
            events.pathRemoved(p.name());
            p.close();
        }
        factory.close();
    }
}
