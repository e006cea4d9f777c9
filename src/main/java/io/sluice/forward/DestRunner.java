package io.sluice.forward;

import io.netty.channel.EventLoop;
import io.sluice.conf.DestUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.conf.Redact;
import io.sluice.net.Backoff;
import io.sluice.net.webrtc.IcePair;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DestRunner keeps one forward target connected while its path has a stream: attempt, forward, and
 * on failure back off (exponentially, with jitter, capped) and try again, until stopped or until
 * {@code maxReconnectTime} of continuous failure has passed.
 */
final class DestRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DestRunner.class);
    /** A session that forwarded this long resets the backoff to its first step. */
    static final Duration STABLE_SESSION = Duration.ofSeconds(5);

    private final String pathName;
    private final ForwardDest conf;
    private final Function<ForwardDest, Dest> factory;
    private final InstantSource clock;
    private final Backoff backoff;
    private final String logName;
    private final Object lock = new Object();

    // Stats: written by the runner thread (and close), read by anyone.
    private volatile DestState state;
    private volatile Instant since;
    private volatile String lastError = "";
    private volatile Instant nextRetry;
    private volatile List<TrackStatus> tracks = List.of();
    private final DestTraffic traffic = new DestTraffic();
    private volatile long reconnects;
    /** Set while the path's publisher is away and the runner keeps its session for the next one. */
    private volatile boolean bridging;
    private volatile long bridgedGaps;
    /** A WebRTC target's ICE pair of the current or last session (DestContext.icePair), else null. */
    private volatile IcePair icePair;
    private long sessions;

    private Future<?> task;
    private Dest current;
    /**
     * Incremented by every start and stop; a loop whose generation is no longer current ends and
     * may no longer touch the state, so stop() need not wait for it (it may be called on an event
     * loop, which must not block).
     */
    private long generation;
    private boolean closed;

    DestRunner(String pathName, ForwardDest conf, Function<ForwardDest, Dest> factory, InstantSource clock) {
        this.pathName = pathName;
        this.conf = conf;
        this.factory = factory;
        this.clock = clock;
        this.backoff = new Backoff(conf.reconnectDelay(), conf.reconnectMaxDelay(), ThreadLocalRandom.current());
        this.logName = "[path " + pathName + "] [forward " + conf.id() + " " + conf.redactedUrl() + "]";
        setState(conf.enable() ? DestState.IDLE : DestState.DISABLED);
    }

    ForwardDest conf() {
        return conf;
    }

    DestState state() {
        return state;
    }

    /** Starts pushing {@code stream}; the runner's thread comes from {@code executor}. */
    void start(Stream stream, EventLoop loop, int defaultQueue, ExecutorService executor) {
        synchronized (lock) {
            if (closed || task != null || !conf.enable()) {
                return;
            }
            int capacity = conf.queueSize() > 0 ? conf.queueSize() : defaultQueue;
            long g = ++generation;
            task = executor.submit(() -> loop(g, stream, loop, capacity));
        }
    }

    private boolean current(long g) {
        synchronized (lock) {
            return g == generation;
        }
    }

    private void loop(long g, Stream stream, EventLoop loop, int capacity) {
        int failures = 0;
        Instant failingSince = null;
        while (!Thread.currentThread().isInterrupted()) {
            Dest dest;
            synchronized (lock) {
                if (g != generation) {
                    return;
                }
                dest = factory.apply(conf);
                current = dest;
                setState(DestState.CONNECTING);
            }
            nextRetry = null;
            if (sessions++ > 0) {
                reconnects++;
            }
            Instant started = clock.instant();
            Throwable error = null;
            Context ctx = new Context(g, stream, loop, capacity);
            try (dest) {
                dest.run(ctx);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                error = e;
            } finally {
                finishSession(ctx);
            }
            if (!current(g)) {
                return;
            }
            String message = error == null ? "remote closed the session" : describe(error);
            lastError = Redact.text(message);
            boolean stable = state == DestState.FORWARDING
                    && Duration.between(started, clock.instant()).compareTo(STABLE_SESSION) >= 0;
            if (stable) {
                failures = 0;
                failingSince = null;
            }
            failures++;
            if (failingSince == null) {
                failingSince = started;
            }
            if (!conf.reconnect()) {
                LOG.warn("{} failed: {}; reconnect is off", logName, lastError);
                setState(g, DestState.FAILED);
                return;
            }
            Duration max = conf.maxReconnectTime();
            if (!max.isZero() && Duration.between(failingSince, clock.instant()).compareTo(max) >= 0) {
                LOG.error("{} failed: {}; giving up after {} of failures (maxReconnectTime)", logName, lastError,
                        max);
                setState(g, DestState.FAILED);
                return;
            }
            Duration wait = backoff.delay(failures);
            nextRetry = clock.instant().plus(wait);
            setState(g, DestState.BACKOFF);
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

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String s = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !s.contains(cause.getMessage())) {
            s += ": " + cause.getMessage();
        }
        return s;
    }

    /** Moves the finished session's counters into the totals. */
    private void finishSession(Context ctx) {
        synchronized (lock) {
            traffic.sessionEnded(ctx.queue, ctx.link);
            ctx.queue = null;
            if (ctx.generation == generation) {
                current = null;
            }
        }
    }

    private void setState(DestState s) {
        state = s;
        since = clock.instant();
    }

    /** Sets the state only if the loop of generation g is still the current one. */
    private void setState(long g, DestState s) {
        synchronized (lock) {
            if (g == generation) {
                setState(s);
            }
        }
    }

    /**
     * Stops the session and the retry loop, keeping the counters (the stream went away; it may come
     * back). Does not wait for the runner's thread: it may be called on an event loop.
     */
    void stop() {
        stop(false);
    }

    private void stop(boolean wait) {
        Future<?> t;
        Dest d;
        synchronized (lock) {
            if (task == null) {
                return;
            }
            generation++;
            t = task;
            d = current;
            task = null;
            current = null;
            bridging = false;
            if (state != DestState.FAILED) {
                setState(conf.enable() ? DestState.IDLE : DestState.DISABLED);
            }
            nextRetry = null;
        }
        if (d != null) {
            d.close();
        }
        t.cancel(true);
        if (wait) {
            try {
                t.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.CancellationException | java.util.concurrent.ExecutionException e) {
                // cancelled: expected; the loop logged any failure itself
            } catch (TimeoutException e) {
                LOG.error("{} did not stop within 10 s", logName);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The publisher left; the stream stays (publisherGrace). Only runners that run bridge the gap. */
    void publisherAway() {
        synchronized (lock) {
            bridging = task != null;
        }
    }

    /** A new publisher took the stream over: a runner that kept running bridged one gap. */
    void publisherBack() {
        synchronized (lock) {
            if (bridging && task != null) {
                bridgedGaps++;
                LOG.info("{} carried on across the publisher's reconnect ({} gaps bridged)", logName, bridgedGaps);
            }
            bridging = false;
        }
    }

    /** Stops for good; unlike {@link #stop()} it returns only when the runner's thread has ended. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        stop(true);
    }

    DestStats stats() {
        DestTraffic.Snapshot t = traffic.snapshot(state == DestState.FORWARDING);
        DestState shown = bridging && state == DestState.FORWARDING ? DestState.BRIDGING : state;
        return new DestStats(conf.id(), conf.redactedUrl(), protocol(conf.url()), shown, since, t.bytes(),
                t.packets(), t.dropped(), reconnects, lastError, nextRetry, tracks, t.figures(), bridgedGaps, icePair);
    }

    static String protocol(DestUrl url) {
        return switch (url) {
            case DestUrl.Rtsp r -> r.tls() ? "rtsps" : "rtsp";
            case DestUrl.Rtmp r -> r.tls() ? "rtmps" : "rtmp";
            case DestUrl.Srt s -> "srt";
            case DestUrl.Whip w -> "whip";
        };
    }

    private final class Context implements DestContext {
        private final long generation;
        private final Stream stream;
        private final EventLoop loop;
        private final int capacity;
        /** Guarded by the runner's lock. */
        private ReaderQueue queue;
        private volatile Supplier<Map<String, Number>> link;

        Context(long generation, Stream stream, EventLoop loop, int capacity) {
            this.generation = generation;
            this.stream = stream;
            this.loop = loop;
            this.capacity = capacity;
        }

        @Override
        public Stream stream() {
            return stream;
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public int queueCapacity() {
            return capacity;
        }

        @Override
        public void linkStats(Supplier<Map<String, Number>> figures) {
            synchronized (lock) {
                this.link = figures;
                if (generation == DestRunner.this.generation) {
                    traffic.link(figures);
                }
            }
        }

        @Override
        public void icePair(IcePair pair) {
            synchronized (lock) {
                if (generation == DestRunner.this.generation) {
                    DestRunner.this.icePair = pair;
                }
            }
        }

        @Override
        public void forwarding(List<TrackStatus> t, ReaderQueue q) {
            synchronized (lock) {
                this.queue = q;
                if (generation != DestRunner.this.generation) {
                    return;
                }
                traffic.forwarding(q);
            }
            List<TrackStatus> old = tracks;
            tracks = List.copyOf(t);
            if (!old.equals(tracks)) {
                for (TrackStatus ts : tracks) {
                    if (!ts.forwarded()) {
                        LOG.warn("{} track {} ({}) skipped: {}", logName, ts.media(), ts.codec(), ts.reason());
                    }
                }
            }
            if (reconnects > 0 && state != DestState.FORWARDING) {
                LOG.info("{} forwarding again (reconnect {})", logName, reconnects);
            } else {
                LOG.info("{} forwarding", logName);
            }
            setState(generation, DestState.FORWARDING);
        }
    }
}
