package io.sluice.source;

import io.netty.channel.EventLoop;
import io.sluice.conf.DestUrl;
import io.sluice.conf.Redact;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import io.sluice.net.Backoff;
import io.sluice.path.PathException;
import io.sluice.path.PathSource;
import io.sluice.path.Publisher;
import io.sluice.path.SessionRegistry;
import io.sluice.path.SourceFeed;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.StreamDesc;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SourceRunner keeps one path's pulled stream coming while it is started: it makes a {@link Source} for an
 * attempt, lets it publish on the path and write, and when the session fails or the remote ends it, backs off
 * (exponentially, with jitter, capped; reset after a stable session) and tries again, until stopped. Its
 * states, last error, next retry, reconnects and byte counts are what the API shows for the path's source.
 *
 * <p>The loop runs on one thread of the {@link SourceRunners}' executor; start and stop may be called from
 * any thread (also an event loop: they do not block); stats are read from any thread.
 */
final class SourceRunner implements PathSource {
    private static final Logger LOG = LoggerFactory.getLogger(SourceRunner.class);
    /** A session that was ready this long resets the backoff to its first step. */
    static final Duration STABLE_SESSION = Duration.ofSeconds(5);

    private final String pathName;
    private final SourceConf conf;
    private final SourceFactory factory;
    private final SourceFeed feed;
    private final SessionRegistry sessions;
    private final Supplier<EventLoop> loops;
    private final ExecutorService executor;
    private final InstantSource clock;
    private final Backoff backoff;
    private final String type;
    private final String logName;
    private final Object lock = new Object();

    // Stats: written by the runner thread (and stop), read by anyone.
    private volatile SourceState state = SourceState.IDLE;
    private volatile Instant since;
    private volatile String lastError = "";
    private volatile Instant nextRetry;
    private volatile List<String> tracks = List.of();
    private volatile long reconnects;
    private volatile Supplier<Map<String, Number>> link;
    /** Bytes and packets of the sessions that ended. Guarded by lock. */
    private long bytesDone;
    private long packetsDone;
    /** The publisher of the session that publishes now, or null. Guarded by lock. */
    private SourcePublisher held;
    private long attempts;

    private Future<?> task;
    private Source current;
    /**
     * Incremented by every start and stop; a loop whose generation is no longer current ends and may no
     * longer touch the state, so stop() need not wait for it.
     */
    private long generation;
    private boolean closed;

    SourceRunner(String pathName, SourceConf conf, SourceFactory factory, SourceFeed feed, SessionRegistry sessions,
            Supplier<EventLoop> loops, ExecutorService executor, InstantSource clock) {
        this.pathName = pathName;
        this.conf = conf;
        this.factory = factory;
        this.feed = feed;
        this.sessions = sessions;
        this.loops = loops;
        this.executor = executor;
        this.clock = clock;
        this.backoff = new Backoff(conf.reconnectDelay(), conf.reconnectMaxDelay(), ThreadLocalRandom.current());
        this.type = type(conf.url());
        this.logName = "[path " + pathName + "] [source " + conf.redactedUrl() + "]";
        this.since = clock.instant();
    }

    @Override
    public void start() {
        synchronized (lock) {
            if (closed || task != null) {
                return;
            }
            long g = ++generation;
            try {
                task = executor.submit(() -> loop(g));
            } catch (RejectedExecutionException e) {
                LOG.debug("{} not started: the server is stopping", logName);
            }
        }
    }

    private boolean current(long g) {
        synchronized (lock) {
            return g == generation;
        }
    }

    private void loop(long g) {
        int failures = 0;
        while (!Thread.currentThread().isInterrupted()) {
            if (!setState(g, SourceState.CONNECTING)) {
                return;
            }
            nextRetry = null;
            if (attempts++ > 0) {
                reconnects++;
            }
            Attempt attempt = new Attempt(g, loops.get());
            Throwable error = null;
            try {
                runAttempt(attempt);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                error = e;
            } finally {
                attempt.end();
            }
            if (!current(g)) {
                return;
            }
            if (attempt.readyAt != null
                    && Duration.between(attempt.readyAt, clock.instant()).compareTo(STABLE_SESSION) >= 0) {
                failures = 0;
            }
            failures++;
            lastError = Redact.text(error == null ? "the remote ended the stream" : describe(error));
            Duration wait = backoff.delay(failures);
            nextRetry = clock.instant().plus(wait);
            if (!setState(g, SourceState.BACKOFF)) {
                return;
            }
            if (failures == 1) {
                LOG.warn("{} {}; retrying in {} ms", logName, lastError, wait.toMillis());
            } else {
                LOG.debug("{} {}; retry {} in {} ms", logName, lastError, failures, wait.toMillis());
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One session: make the protocol's source, run it until it ends; closes it in every case. */
    private void runAttempt(Attempt attempt) throws Exception {
        Source source = factory.create(pathName, conf);
        synchronized (lock) {
            if (attempt.generation != generation) {
                source.close();
                return;
            }
            current = source;
        }
        try (source) {
            source.run(attempt);
        } finally {
            synchronized (lock) {
                if (current == source) {
                    current = null;
                }
            }
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String s = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !s.contains(cause.getMessage())) {
            s += ": " + cause.getMessage();
        }
        return s;
    }

    /** Sets the state if the loop of generation g is still the current one; returns whether it is. */
    private boolean setState(long g, SourceState s) {
        synchronized (lock) {
            if (g != generation) {
                return false;
            }
            state = s;
            since = clock.instant();
            return true;
        }
    }

    @Override
    public void stop() {
        stop(false);
    }

    private void stop(boolean wait) {
        Future<?> t;
        Source s;
        synchronized (lock) {
            if (task == null) {
                return;
            }
            generation++;
            t = task;
            s = current;
            task = null;
            current = null;
            state = SourceState.IDLE;
            since = clock.instant();
            nextRetry = null;
        }
        // closing the session unblocks its socket reads; the loop's thread then closes the publisher
        if (s != null) {
            s.close();
        }
        t.cancel(true);
        if (wait) {
            await(t);
        }
    }

    private void await(Future<?> t) {
        try {
            t.get(10, TimeUnit.SECONDS);
        } catch (CancellationException | ExecutionException e) {
            LOG.debug("{} loop ended: {}", logName, e.toString()); // cancelled, as asked; it logged its failures
        } catch (TimeoutException e) {
            LOG.error("{} did not stop within 10 s", logName);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops for good; returns only when the runner's thread has ended. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        stop(true);
    }

    /** Closes the session that runs now (the API's kick): the runner reconnects after its backoff. */
    private void kick() {
        Source s;
        synchronized (lock) {
            s = current;
        }
        if (s != null) {
            LOG.info("{} session closed by request", logName);
            s.close();
        }
    }

    /** A session's publisher closed: its counts join the totals. */
    private void published(SourcePublisher p) {
        synchronized (lock) {
            bytesDone += p.bytes();
            packetsDone += p.packets();
            if (held == p) {
                held = null;
            }
        }
    }

    @Override
    public SourceStats stats() {
        long bytes;
        long packets;
        synchronized (lock) {
            bytes = bytesDone + (held == null ? 0 : held.bytes());
            packets = packetsDone + (held == null ? 0 : held.packets());
        }
        Supplier<Map<String, Number>> l = link;
        Map<String, Number> figures = l == null || state != SourceState.READY ? Map.of() : l.get();
        return new SourceStats(type, conf.redactedUrl(), state, since, bytes, packets, reconnects, lastError,
                nextRetry, tracks, figures);
    }

    /** mediamtx's name of a source's kind, as its API shows a path's source. */
    static String type(SourceUrl url) {
        return switch (url) {
            case SourceUrl.Publisher p -> "publisher";
            case SourceUrl.UdpMpegts u -> "udpSource";
            case SourceUrl.Remote r -> switch (r.url()) {
                case DestUrl.Rtsp x -> x.tls() ? "rtspsSource" : "rtspSource";
                case DestUrl.Rtmp x -> x.tls() ? "rtmpsSource" : "rtmpSource";
                case DestUrl.Srt x -> "srtSource";
                case DestUrl.Whip x -> "webRTCSource";
            };
        };
    }

    private static String remote(SourceUrl url) {
        return switch (url) {
            case SourceUrl.Publisher p -> "";
            case SourceUrl.UdpMpegts u -> (u.host().contains(":") ? "[" + u.host() + "]" : u.host()) + ":" + u.port();
            case SourceUrl.Remote r -> r.url().authority();
        };
    }

    /** One attempt's context: its loop, and the publisher it made (closed by {@link #end} if the source did not). */
    private final class Attempt implements SourceContext {
        final long generation;
        final EventLoop loop;
        /** When the source published, null before. Read by the loop after the attempt. */
        volatile Instant readyAt;
        /** The publisher this attempt made, or null. Guarded by the runner's lock. */
        private SourcePublisher mine;

        Attempt(long generation, EventLoop loop) {
            this.generation = generation;
            this.loop = loop;
        }

        @Override
        public String pathName() {
            return pathName;
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public Publisher publish(StreamDesc desc) throws PathException {
            synchronized (lock) {
                if (generation != SourceRunner.this.generation) {
                    throw new PathException(PathException.Reason.NO_STREAM, "the source of path '" + pathName
                            + "' is stopping");
                }
                if (mine != null) {
                    throw new PathException(PathException.Reason.BUSY, "the source of path '" + pathName
                            + "' already published this session");
                }
            }
            SourcePublisher h = new SourcePublisher(feed.publish(desc, loop, type + " " + conf.redactedUrl()),
                    SourceRunner.this::published);
            synchronized (lock) {
                held = h;
                mine = h;
            }
            if (sessions != null) {
                h.registered(sessions.register(type, SessionRegistry.Role.PUBLISH, pathName, remote(conf.url()), "",
                        h::bytes, SourceRunner.this::kick));
            }
            tracks = desc.medias().stream().map(MediaDesc::format).map(f -> f.codec().name()).toList();
            readyAt = clock.instant();
            if (setState(generation, SourceState.READY)) {
                LOG.info("{} ready: {}{}", logName, tracks, reconnects > 0 ? " (reconnect " + reconnects + ")" : "");
            }
            return h;
        }

        @Override
        public void linkStats(Supplier<Map<String, Number>> figures) {
            link = figures;
        }

        /**
         * Closes this attempt's publisher if the source left it open (a source that threw, or a buggy one). Its own,
         * not the runner's current one: after a stop and a start, this (stopped) attempt's thread may end after the
         * next attempt published, whose publisher it must leave alone.
         */
        void end() {
            SourcePublisher h;
            synchronized (lock) {
                h = mine;
            }
            if (h != null) {
                h.close();
            }
            link = null;
        }
    }
}
