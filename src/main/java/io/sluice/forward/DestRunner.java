package io.sluice.forward;

import io.netty.channel.EventLoop;
import io.sluice.conf.DestUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.conf.Redact;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
    private volatile ReaderQueue queue;
    private volatile long reconnects;
    private long sessions;
    private long bytesDone;
    private long packetsDone;
    private long droppedDone;

    /** The loop started by start(), until stop() has seen it end. */
    private Run run;
    private Dest current;
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

    /** Starts pushing {@code stream}; the runner's thread comes from {@code executor}. */
    void start(Stream stream, EventLoop loop, int defaultQueue, ExecutorService executor) {
        synchronized (lock) {
            if (closed || run != null || !conf.enable()) {
                return;
            }
            int capacity = conf.queueSize() > 0 ? conf.queueSize() : defaultQueue;
            Run r = new Run();
            run = r;
            executor.execute(() -> {
                r.thread = Thread.currentThread();
                try {
                    if (!r.stop) {
                        loop(r, stream, loop, capacity);
                    }
                } finally {
                    r.ended.countDown();
                }
            });
        }
    }

    private void loop(Run run, Stream stream, EventLoop loop, int capacity) {
        int failures = 0;
        Instant failingSince = null;
        while (!Thread.currentThread().isInterrupted()) {
            Dest dest;
            synchronized (lock) {
                if (run.stop) {
                    return;
                }
                dest = factory.apply(conf);
                current = dest;
            }
            setState(DestState.CONNECTING);
            nextRetry = null;
            if (sessions++ > 0) {
                reconnects++;
            }
            Instant started = clock.instant();
            Throwable error = null;
            try (dest) {
                dest.run(new Context(stream, loop, capacity));
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                error = e;
            } finally {
                finishSession();
            }
            synchronized (lock) {
                if (run.stop) {
                    return;
                }
            }
            String message = error == null ? "remote closed the session" : describe(error);
            lastError = Redact.url(message);
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
                setState(DestState.FAILED);
                return;
            }
            Duration max = conf.maxReconnectTime();
            if (!max.isZero() && Duration.between(failingSince, clock.instant()).compareTo(max) >= 0) {
                LOG.error("{} failed: {}; giving up after {} of failures (maxReconnectTime)", logName, lastError,
                        max);
                setState(DestState.FAILED);
                return;
            }
            Duration wait = backoff.delay(failures);
            nextRetry = clock.instant().plus(wait);
            setState(DestState.BACKOFF);
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

    private void finishSession() {
        ReaderQueue q = queue;
        if (q != null) {
            synchronized (lock) {
                bytesDone += q.bytesOut();
                packetsDone += q.packetsOut();
                droppedDone += q.dropped();
                queue = null;
            }
        }
        synchronized (lock) {
            current = null;
        }
    }

    /** One start(): its loop returns once {@code stop} is set; {@code ended} opens when it has returned. */
    private static final class Run {
        volatile boolean stop;
        volatile Thread thread;
        final CountDownLatch ended = new CountDownLatch(1);
    }

    private void setState(DestState s) {
        state = s;
        since = clock.instant();
    }

    /**
     * Stops the session and the retry loop, keeping the counters (the stream went away; it may come
     * back). Returns when the runner's thread has ended.
     */
    void stop() {
        Run r;
        Dest d;
        synchronized (lock) {
            r = run;
            if (r == null) {
                return;
            }
            r.stop = true;
            d = current;
        }
        if (d != null) {
            d.close();
        }
        Thread t = r.thread;
        if (t != null) {
            t.interrupt();
        }
        // Wait for the loop itself: a cancelled Future returns at once while its thread still runs, and
        // that thread then logged a spurious "remote closed the session" and went to BACKOFF.
        try {
            if (!r.ended.await(10, TimeUnit.SECONDS)) {
                LOG.error("{} did not stop within 10 s", logName);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            run = null;
        }
        if (state != DestState.FAILED) {
            setState(conf.enable() ? DestState.IDLE : DestState.DISABLED);
        }
        nextRetry = null;
    }

    /** Stops for good. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        stop();
    }

    DestStats stats() {
        long bytes;
        long packets;
        long dropped;
        synchronized (lock) {
            bytes = bytesDone;
            packets = packetsDone;
            dropped = droppedDone;
        }
        ReaderQueue q = queue;
        if (q != null) {
            bytes += q.bytesOut();
            packets += q.packetsOut();
            dropped += q.dropped();
        }
        return new DestStats(conf.id(), conf.redactedUrl(), protocol(conf.url()), state, since, bytes, packets,
                dropped, reconnects, lastError, nextRetry, tracks);
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
        private final Stream stream;
        private final EventLoop loop;
        private final int capacity;

        Context(Stream stream, EventLoop loop, int capacity) {
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
        public void forwarding(List<TrackStatus> t, ReaderQueue q) {
            List<TrackStatus> old = tracks;
            tracks = List.copyOf(t);
            queue = q;
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
            setState(DestState.FORWARDING);
        }
    }
}
