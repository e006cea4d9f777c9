package io.sluice.hooks;

import io.sluice.conf.Conf;
import io.sluice.conf.HookConf;
import io.sluice.conf.HooksConf;
import io.sluice.conf.PathConf;
import io.sluice.control.SessionInfo;
import io.sluice.path.PathEvents;
import io.sluice.threads.SluiceThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hooks runs mediamtx's {@code runOn*} commands on the events of paths, streams and sessions, and owns every
 * process it starts: a command tied to a trigger (runOnInit, runOnReady, runOnRead, runOnConnect, runOnDemand)
 * is stopped when the trigger ends; a one-shot command (runOnNotReady, runOnUnread, runOnDisconnect,
 * runOnUnDemand) runs to its end on its own; {@link #close()} stops all of them.
 *
 * <p>Events arrive from event loops and under path locks ({@link PathEvents}); each is queued to this
 * component's one thread, which keeps the state below (confined to it, no locks) and starts processes
 * through {@link HookProcess}, whose own thread forks, waits and kills. So no event loop ever waits for a
 * process, and the events of one path are handled in the order they happened.
 *
 * <p>runOnReady's ready period is the stream's life: a publisher that reconnects within publisherGrace takes
 * over the same stream, and its readers (a runOnReady relay reading the path is one) carry on, so the relay
 * is not restarted either. MTX_SOURCE_TYPE/MTX_SOURCE_ID are those of the publisher that started the stream:
 * its registered session (a client's, or a pull source's: rtspSource, rtmpSource...), which follows the
 * stream's start within microseconds on the publisher's thread; a stream whose publisher registers no
 * session within {@link #SOURCE_WAIT} gets its type from the path's description of it and an empty id.
 */
public final class Hooks implements PathEvents, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);
    /** How long a new stream's ready hooks wait for its publisher's session to be registered. */
    static final Duration SOURCE_WAIT = Duration.ofSeconds(1);

    private final Supplier<Conf> conf;
    private final HookProcess.Timing timing;
    private final ScheduledExecutorService thread;
    /** Every process this component started and that has not ended; any thread. */
    private final Set<HookProcess> running = ConcurrentHashMap.newKeySet();
    /** Holds the events back until {@link #start()}: the listeners a hook connects to are bound by then. */
    private final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean closed;

    // Confined to the thread.
    private final Map<String, HookProcess> init = new HashMap<>();
    private final Map<String, HookConf> initConf = new HashMap<>();
    private final Map<String, ReadyPeriod> ready = new HashMap<>();
    private final Map<String, HookProcess> reads = new HashMap<>();
    private final Map<String, HookProcess> conns = new HashMap<>();

    /** @param conf the configuration in force (a reload replaces it): the connection hooks and RTSP port */
    public Hooks(Supplier<Conf> conf) {
        this(conf, HookProcess.Timing.DEFAULT);
    }

    Hooks(Supplier<Conf> conf, HookProcess.Timing timing) {
        this.conf = conf;
        this.timing = timing;
        this.thread = Executors.newSingleThreadScheduledExecutor(SluiceThreads.platform("hooks", true));
        thread.execute(() -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // close() before start(): the queued events are dropped
            }
        });
    }

    /**
     * Lets the events queued since construction through, in order: called once the servers listen, so a
     * runOnInit that publishes to rtsp://localhost:$RTSP_PORT/... finds the RTSP listener bound.
     */
    public void start() {
        started.countDown();
    }

    /** The hooks of one stream's ready period, started when its source is known. */
    private static final class ReadyPeriod {
        final PathConf entry;
        final String who;
        final List<HookProcess> processes = new ArrayList<>();
        Map<String, String> vars;
        ScheduledFuture<?> fallback;

        ReadyPeriod(PathConf entry, String who) {
            this.entry = entry;
            this.who = who;
        }
    }

    @Override
    public void pathAdded(String name, PathConf entry) {
        submit(() -> {
            if (isConfiguredExact(name, entry)) {
                startInit(name, entry);
            }
        });
    }

    @Override
    public void pathChanged(String name, PathConf entry) {
        submit(() -> {
            HookConf next = isConfiguredExact(name, entry) ? entry.hooks().init() : HookConf.NONE;
            if (!next.equals(initConf.getOrDefault(name, HookConf.NONE))) {
                stopInit(name);
                startInit(name, entry);
            }
        });
    }

    @Override
    public void pathRemoved(String name) {
        submit(() -> stopInit(name));
    }

    @Override
    public void streamReady(String path, PathConf entry, String who) {
        submit(() -> {
            HooksConf h = entry.hooks();
            if (!(h.ready().isSet() || h.available().isSet() || h.notReady().isSet() || h.unavailable().isSet())) {
                return;
            }
            ReadyPeriod p = new ReadyPeriod(entry, who);
            ready.put(path, p);
            p.fallback = thread.schedule(() -> startReady(path, p, HookVariables.typeOfDescription(who), "", ""),
                    SOURCE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void streamEnded(String path, PathConf entry) {
        submit(() -> {
            ReadyPeriod p = ready.remove(path);
            if (p == null) {
                return;
            }
            if (p.vars == null) {
                p.fallback.cancel(false);
                p.vars = readyVars(path, p.entry, HookVariables.typeOfDescription(p.who), "", "");
            }
            p.processes.forEach(HookProcess::stop);
            HooksConf h = entry.hooks();
            oneShot("runOnNotReady " + path, h.notReady(), p.vars);
            oneShot("runOnUnavailable " + path, h.unavailable(), p.vars);
        });
    }

    @Override
    public void sessionOpened(SessionInfo s) {
        submit(() -> {
            boolean publisher = s.role().equals("publish");
            ReadyPeriod p = ready.get(s.path());
            if (publisher && p != null && p.vars == null) {
                p.fallback.cancel(false);
                startReady(s.path(), p, SessionInfo.mediamtxType(s.protocol()), s.id(), s.query());
            }
            HookConf connect = conf.get().connHooks().connect();
            if (connect.isSet() && HookVariables.isClient(s.protocol())) {
                conns.put(s.id(), launch("runOnConnect " + s.id(), connect, connVars(s)));
            }
            PathConf entry = conf.get().pathFor(s.path());
            if (!publisher && entry != null && entry.hooks().read().isSet()) {
                reads.put(s.id(), launch("runOnRead " + s.path() + " " + s.id(), entry.hooks().read(),
                        readerVars(s, entry)));
            }
        });
    }

    @Override
    public void sessionClosed(SessionInfo s) {
        submit(() -> {
            HookProcess c = conns.remove(s.id());
            if (c != null) {
                c.stop();
            }
            if (HookVariables.isClient(s.protocol())) {
                oneShot("runOnDisconnect " + s.id(), conf.get().connHooks().disconnect(), connVars(s));
            }
            if (s.role().equals("publish")) {
                return;
            }
            HookProcess r = reads.remove(s.id());
            if (r != null) {
                r.stop();
            }
            PathConf entry = conf.get().pathFor(s.path());
            if (entry != null) {
                oneShot("runOnUnread " + s.path() + " " + s.id(), entry.hooks().unread(), readerVars(s, entry));
            }
        });
    }

    /**
     * The runOnDemand command of a path, for the on-demand logic to start when a reader asks for the path
     * and to stop after the last reader; null when the path's entry has no runOnDemand.
     */
    public DemandCommand demandCommand(String path) {
        PathConf entry = conf.get().pathFor(path);
        if (entry == null || !entry.hooks().demand().isSet()) {
            return null;
        }
        return new DemandCommand(this, path, entry, pathVars(path, entry, ""));
    }

    /** The configuration in force. */
    Conf conf() {
        return conf.get();
    }

    /** Processes running now (tests, and the log at shutdown). */
    int runningCount() {
        return running.size();
    }

    /** Stops every command (SIGTERM to each group, SIGKILL after the grace) and waits for them to end. */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("hook event thread did not end within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<HookProcess> all = List.copyOf(running);
        if (!all.isEmpty()) {
            LOG.info("stopping {} hook commands", all.size());
        }
        all.forEach(HookProcess::stop);
        Duration max = timing.killGrace().plusSeconds(5);
        for (HookProcess p : all) {
            if (!p.await(max)) {
                LOG.warn("[hook {}] did not end within {} s", p.label(), max.toSeconds());
            }
        }
    }

    /** Starts a command tied to a trigger (the caller stops it); null when closed. Any thread. */
    HookProcess launch(String label, HookConf hook, Map<String, String> vars) {
        if (closed) {
            return null;
        }
        HookProcess[] self = new HookProcess[1];
        HookProcess p = new HookProcess(label, hook.command(), vars, hook.restart(), timing,
                () -> running.remove(self[0]));
        self[0] = p;
        running.add(p);
        if (closed) {
            // close() set closed before it took its list of what runs: it may not have seen this one
            running.remove(p);
            return null;
        }
        p.start();
        return p;
    }

    /** Runs a one-shot command if configured: not stopped by any trigger, only by {@link #close()}. */
    void oneShot(String label, HookConf hook, Map<String, String> vars) {
        if (hook.isSet()) {
            launch(label, new HookConf(hook.command(), false), vars);
        }
    }

    private void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("hook event failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("hook event after close: {}", e.getMessage()); // shutting down: no new commands
        }
    }

    private static boolean isConfiguredExact(String name, PathConf entry) {
        return !entry.isRegex() && !entry.isCatchAll() && entry.name().equals(name);
    }

    private void startInit(String name, PathConf entry) {
        HookConf h = entry.hooks().init();
        if (h.isSet()) {
            init.put(name, launch("runOnInit " + name, h, pathVars(name, entry, "")));
            initConf.put(name, h);
        }
    }

    private void stopInit(String name) {
        initConf.remove(name);
        HookProcess p = init.remove(name);
        if (p != null) {
            p.stop();
        }
    }

    private void startReady(String path, ReadyPeriod p, String sourceType, String sourceId, String query) {
        if (ready.get(path) != p || p.vars != null) {
            return; // ended, or started by its publisher's registration
        }
        p.vars = readyVars(path, p.entry, sourceType, sourceId, query);
        HooksConf h = p.entry.hooks();
        for (var e : List.of(Map.entry("runOnReady", h.ready()), Map.entry("runOnAvailable", h.available()))) {
            if (e.getValue().isSet()) {
                HookProcess hp = launch(e.getKey() + " " + path, e.getValue(), p.vars);
                if (hp != null) {
                    p.processes.add(hp);
                }
            }
        }
    }

    private String rtspPort() {
        return HookVariables.port(conf.get().rtsp().address());
    }

    private Map<String, String> pathVars(String path, PathConf entry, String query) {
        return HookVariables.path(path, entry, rtspPort(), query);
    }

    /** The ready period's variables: MTX_QUERY is its publisher's (mediamtx's publisherQuery). */
    private Map<String, String> readyVars(String path, PathConf entry, String type, String id, String query) {
        Map<String, String> v = new LinkedHashMap<>(pathVars(path, entry, query));
        v.put("MTX_SOURCE_TYPE", type);
        v.put("MTX_SOURCE_ID", id);
        return v;
    }

    private Map<String, String> readerVars(SessionInfo s, PathConf entry) {
        Map<String, String> v = new LinkedHashMap<>(pathVars(s.path(), entry, s.query()));
        v.put("MTX_READER_TYPE", SessionInfo.mediamtxType(s.protocol()));
        v.put("MTX_READER_ID", s.id());
        return v;
    }

    private Map<String, String> connVars(SessionInfo s) {
        return HookVariables.conn(s.protocol(), s.id(), rtspPort());
    }
}
