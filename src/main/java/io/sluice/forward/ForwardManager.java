package io.sluice.forward;

import io.netty.channel.EventLoop;
import io.sluice.conf.ForwardDest;
import io.sluice.stream.Stream;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * ForwardManager owns the forward targets of one path: it starts one {@link DestRunner} per enabled
 * target when the path's stream becomes ready, stops them when it goes, and on reload restarts only
 * the targets whose configuration record changed.
 */
public final class ForwardManager implements AutoCloseable {
    private final String pathName;
    private final Function<ForwardDest, Dest> factory;
    private int defaultQueue;
    private final InstantSource clock;
    private final ExecutorService executor;
    /** Guarded by this; keyed by target id, in configuration order. */
    private final Map<String, DestRunner> runners = new LinkedHashMap<>();
    private Stream stream;
    private EventLoop loop;
    private boolean closed;

    public ForwardManager(String pathName, List<ForwardDest> dests, Function<ForwardDest, Dest> factory,
            int defaultQueue, InstantSource clock) {
        this.pathName = pathName;
        this.factory = factory;
        this.defaultQueue = defaultQueue;
        this.clock = clock;
        this.executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("sluice-fwd-" + pathName.replace('/', '_') + "-", 0).factory());
        for (ForwardDest d : dests) {
            runners.put(d.id(), new DestRunner(pathName, d, factory, clock));
        }
    }

    /** The path has a stream: start every enabled target on it. */
    public synchronized void streamReady(Stream s, EventLoop publisherLoop) {
        if (closed) {
            return;
        }
        stopAll();
        this.stream = s;
        this.loop = publisherLoop;
        for (DestRunner r : runners.values()) {
            r.start(s, publisherLoop, defaultQueue, executor);
        }
    }

    /** The path's stream went away: stop every target (they start again with the next stream). */
    public synchronized void streamGone() {
        stream = null;
        loop = null;
        stopAll();
    }

    private void stopAll() {
        for (DestRunner r : runners.values()) {
            r.stop();
        }
    }

    /**
     * Applies a new target list: targets whose record is unchanged keep running untouched; changed
     * ones restart; removed ones stop; new ones start if the stream is up.
     */
    public synchronized void reload(List<ForwardDest> dests, int defaultQueue) {
        this.defaultQueue = defaultQueue;
        Map<String, DestRunner> next = new LinkedHashMap<>();
        for (ForwardDest d : dests) {
            DestRunner old = runners.remove(d.id());
            if (old != null && old.conf().equals(d)) {
                next.put(d.id(), old);
                continue;
            }
            if (old != null) {
                old.close();
            }
            DestRunner r = new DestRunner(pathName, d, factory, clock);
            next.put(d.id(), r);
            if (stream != null) {
                r.start(stream, loop, defaultQueue, executor);
            }
        }
        for (DestRunner removed : runners.values()) {
            removed.close();
        }
        runners.clear();
        runners.putAll(next);
    }

    public synchronized List<DestStats> stats() {
        List<DestStats> out = new ArrayList<>(runners.size());
        for (DestRunner r : runners.values()) {
            out.add(r.stats());
        }
        return out;
    }

    /** Stops every target and waits for their threads. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (DestRunner r : runners.values()) {
                r.close();
            }
        }
        executor.shutdownNow();
        executor.close();
    }
}
