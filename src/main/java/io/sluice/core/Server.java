package io.sluice.core;

import io.sluice.api.ApiServer;
import io.sluice.auth.Authorizer;
import io.sluice.auth.ConfAuthorizer;
import io.sluice.conf.Conf;
import io.sluice.conf.ConfDocument;
import io.sluice.conf.DestUrl;
import io.sluice.conf.PathConf;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.control.Control;
import io.sluice.core.ConfChanges.Part;
import io.sluice.forward.Dest;
import io.sluice.forward.rtmp.RtmpDest;
import io.sluice.forward.rtsp.RtspDest;
import io.sluice.forward.rtsp.RtspUdpFallbacks;
import io.sluice.forward.srt.SrtDest;
import io.sluice.forward.whip.WhipDest;
import io.sluice.forward.whip.WhipSequences;
import io.sluice.hooks.Hooks;
import io.sluice.metrics.SluiceMetrics;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.webrtc.WebrtcRuntime;
import io.sluice.path.PathManager;
import io.sluice.path.PathManagerDeps;
import io.sluice.source.Source;
import io.sluice.source.SourceRunners;
import io.sluice.source.rtmp.RtmpSource;
import io.sluice.source.rtsp.RtspSource;
import io.sluice.source.srt.SrtSource;
import io.sluice.source.udp.UdpMpegtsSource;
import io.sluice.source.whep.WhepSource;
import io.sluice.server.rtmp.RtmpServer;
import io.sluice.server.rtsp.RtspServer;
import io.sluice.server.srt.SrtServer;
import io.sluice.server.webrtc.WebrtcServer;
import io.sluice.threads.SluiceThreads;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server wires Sluice's components together: it starts them in dependency order, closes them in
 * reverse, and applies a changed configuration by restarting only the components whose settings
 * changed. It holds no protocol logic of its own.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    /** Read by the forward-target factory on attempt threads; replaced on reload. */
    private volatile Conf conf;
    private final ConfDocument initial;
    private NetLoops loops;
    private PathManager paths;
    /** The threads of the paths' pull sources; closed after the paths (which stop their runners). */
    private SourceRunners sources;
    /** Runs the runOn* commands on path, stream and session events, and owns their processes. */
    private Hooks hooks;
    /** Makes each listening component; set once the loops, paths and certificate exist. */
    private Listeners listeners;
    /** Counts and rate-limits the logging of every refused connection, request or session; lives as long as the server. */
    private final Refusals refusals = new Refusals();
    private RtspServer rtsp;
    private RtmpServer rtmp;
    private SrtServer srt;
    private WebrtcServer webrtc;
    private ControlImpl control;
    private ApiServer api;
    private MetricsServer metricsServer;
    /** One per process: its JVM collectors register listeners that are never removed. */
    private SluiceMetrics metrics;
    /**
     * Replaced on reload. Protocol servers ask {@link #authorizer()} on each request; the API and metrics
     * take an Authorizer, so they get {@link #apiAuthorizer}, which forwards to the current one.
     */
    private volatile Authorizer currentAuth;
    private final Authorizer apiAuthorizer = new CurrentAuthorizer(() -> currentAuth);
    /**
     * The DTLS certificate and SRTP warm-up of every WebRTC peer of this server, made on first use (a WHIP/WHEP
     * request, WHIP target or WHEP source), so that a server without WebRTC peers never pays for them.
     */
    private WebrtcRuntime webrtcRuntime;
    private final WhipSequences whipSequences = new WhipSequences();
    /** RTSP targets in automatic mode that UDP failed for, per publisher (see RtspUdpFallbacks). */
    private final RtspUdpFallbacks rtspUdpFallbacks = new RtspUdpFallbacks();
    private boolean started;
    /** The thread of a delayed API restart (see apply), joined on close. Guarded by this. */
    private Thread apiRestart;
    /** Set by {@link #close()} before it waits for the lock, so that a start in progress stops early. */
    private volatile boolean closing;
    /** What the readiness probe answers; set at the end of start and of each change, and by close. */
    private final Readiness readiness = new Readiness();
    /** When start() began (GET /v3/info's "started"); set once. */
    private volatile java.time.Instant startedAt = java.time.Instant.now();

    public Server(ConfDocument doc) {
        this.initial = doc;
        this.conf = doc.conf();
        this.currentAuth = ConfAuthorizer.of(conf);
    }

    /**
     * Starts every component; on failure, closes what was started and rethrows. A {@link #close()}
     * from another thread (SIGTERM during start-up) makes it stop at the next component and throw
     * {@link StartAbortedException}.
     */
    public synchronized void start() throws Exception {
        try {
            abortIfClosing(); // closed before it even began (SIGTERM at the very start)
            started = true;
            startedAt = java.time.Instant.now();
            warnAbout(initial);
            loops = new NetLoops(0);
            webrtcRuntime = new WebrtcRuntime();
            prepareWebrtcIfNamed(conf);
            sources = new SourceRunners(this::source, loops::next, InstantSource.system());
            hooks = new Hooks(() -> conf);
            paths = new PathManager(conf,
                    new PathManagerDeps(this::dest, InstantSource.system(), refusals, sources, hooks));
            // On demand: pulled sources with sourceOnDemand, else the entry's runOnDemand command.
            paths.onDemand(io.sluice.path.OnDemandFactory.SOURCES.orElse(new DemandCommands(hooks)));
            paths.start();
            listeners = new Listeners(loops, paths, this::authorizer, () -> conf.limits(), refusals, webrtcRuntime);
            control = new ControlImpl(this, initial);
            metrics = new SluiceMetrics(control, true);
            // The API first, so that a readiness probe gets 503 "starting" (not a refused connection) until
            // every protocol listener is bound; its calls that need this lock wait for the start to end.
            api = startApi(conf);
            abortIfClosing();
            rtsp = listeners.rtsp(conf);
            abortIfClosing();
            rtmp = listeners.rtmp(conf);
            abortIfClosing();
            srt = listeners.srt(conf);
            abortIfClosing();
            webrtc = listeners.webrtc(conf);
            abortIfClosing();
            metricsServer = startMetrics(conf);
            hooks.start(); // hooks run from here on: what they connect to listens
        } catch (Exception e) {
            close();
            throw e;
        }
        readiness.running(down(conf));
        LOG.info("Sluice started");
    }

    /**
     * Logs a configuration's warnings, one WARN line per key that loads but does not act as written; at
     * start and at each reload or change, so that a key is never ignored silently.
     */
    static void warnAbout(ConfDocument doc) {
        doc.warnings().forEach(w -> LOG.warn("{}", w));
    }

    /** Thrown by {@link #start()} when {@link #close()} was called while it ran. */
    public static final class StartAbortedException extends Exception {
        StartAbortedException() {
            super("start-up aborted: the server is being closed");
        }
    }

    private void abortIfClosing() throws StartAbortedException {
        if (closing) {
            throw new StartAbortedException();
        }
    }

    private ApiServer startApi(Conf c) throws Exception {
        return listeners.api(c, control, apiAuthorizer);
    }

    private MetricsServer startMetrics(Conf c) throws Exception {
        return listeners.metrics(c, metrics, apiAuthorizer);
    }

    /**
     * Applies a new configuration: listeners whose own settings changed restart (their sessions end),
     * the others take the new settings for their next sessions; paths and forward targets are diffed
     * entry by entry and target by target.
     *
     * @return what could not be applied (e.g. a new listen address already in use), empty when all was
     */
    synchronized List<String> apply(Conf next) {
        Conf old = conf;
        Set<Part> parts = ConfChanges.between(old, next);
        conf = next;
        List<String> failures = new ArrayList<>();
        if (parts.isEmpty() || !started) {
            return failures;
        }
        LOG.info("applying configuration change: {}", parts);
        prepareWebrtcIfNamed(next);
        LogOutput.apply(next.log());
        currentAuth = ConfAuthorizer.of(next);
        rtsp = restartIf(parts.contains(Part.RTSP), "RTSP", rtsp, next, listeners::rtsp, RtspServer::update,
                failures);
        rtmp = restartIf(parts.contains(Part.RTMP), "RTMP", rtmp, next, listeners::rtmp, RtmpServer::update,
                failures);
        srt = restartIf(parts.contains(Part.SRT), "SRT", srt, next, listeners::srt, SrtServer::update, failures);
        webrtc = restartIf(parts.contains(Part.WEBRTC), "WebRTC", webrtc, next, listeners::webrtc,
                WebrtcServer::update, failures);
        if (parts.contains(Part.API)) {
            // The change may come through the API itself: its listener waits for its request threads when
            // it closes, so restarting it on this thread would wait for itself. Restart it a moment later,
            // once the reply to the request that asked for it is out.
            apiRestart = SluiceThreads.startVirtual("api-restart", () -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    if (started && conf == next) {
                        api = restartIf(true, "API", api, next, this::startApi, (a, c) -> { }, new ArrayList<>());
                    }
                }
            });
        }
        metricsServer = restartIf(parts.contains(Part.METRICS), "metrics", metricsServer, next, this::startMetrics,
                (m, c) -> { }, failures);
        paths.reload(next);
        readiness.running(down(next));
        return failures;
    }

    /** The enabled listeners that are not running (a restart failed), for the readiness probe. Lock held. */
    private List<String> down(Conf c) {
        return Readiness.down(c, rtsp, rtmp, srt, webrtc, metricsServer);
    }

    /** The build's version, "dev" when run from the classes. */
    public static String version() {
        String v = Server.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** When the server started (GET /v3/info). */
    java.time.Instant started() {
        return startedAt;
    }

    Readiness readiness() {
        return readiness;
    }

    private interface Starter<T> {
        T start(Conf c) throws Exception;
    }

    private interface Updater<T> {
        void update(T server, Conf c);
    }

    private <T extends AutoCloseable> T restartIf(boolean restart, String name, T current, Conf next,
            Starter<T> starter, Updater<T> updater, List<String> failures) {
        if (!restart) {
            if (current != null) {
                updater.update(current, next);
            }
            return current;
        }
        LOG.info("restarting the {} server: its settings changed", name);
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                LOG.warn("error while stopping the {} server", name, e);
            }
        }
        try {
            return starter.start(next);
        } catch (Exception e) {
            String m = name + " server not running: " + e.getMessage();
            LOG.error(m);
            failures.add(m);
            return null;
        }
    }

    /**
     * Starts the WebRTC runtime in the background when the configuration names a WHIP target or a WHEP source:
     * those peers will come, and their first session should not wait for the certificate and the warm-up. A
     * server with neither starts it with its first WHIP/WHEP request (WebrtcServer) or API-added peer (dest()).
     */
    private void prepareWebrtcIfNamed(Conf c) {
        for (PathConf p : c.paths()) {
            boolean whepSource = p.source() != null && p.source().url() instanceof SourceUrl.Remote r
                    && r.url() instanceof DestUrl.Whip;
            if (whepSource || p.forwardTargets().stream().anyMatch(d -> d.url() instanceof DestUrl.Whip)) {
                webrtcRuntime.prepareInBackground();
                return;
            }
        }
    }

    /** Makes the protocol session for one forward target attempt. */
    private Dest dest(ForwardDest d) {
        Conf c = conf;
        return switch (d.url()) {
            case DestUrl.Rtsp r -> new RtspDest(d, loops, c.io().readTimeout(), c.io().writeTimeout(), rtspUdpFallbacks);
            case DestUrl.Rtmp r -> new RtmpDest(d, loops, c.io().readTimeout(), c.io().writeTimeout());
            case DestUrl.Srt s -> new SrtDest(d, c.io().readTimeout(), c.io().writeTimeout());
            case DestUrl.Whip w -> new WhipDest(d, webrtcRuntime.certificate(), whipSequences, c.io().readTimeout(), null);
        };
    }

    /** Makes the protocol session for one attempt of a path's pull source, with the client its targets use. */
    private Source source(String pathName, SourceConf sc) {
        Conf c = conf;
        return switch (sc.url()) {
            case SourceUrl.Publisher p -> throw new IllegalArgumentException("path '" + pathName + "' does not pull");
            case SourceUrl.UdpMpegts u -> new UdpMpegtsSource(pathName, sc, loops.datagramChannel(), c.io().readTimeout());
            case SourceUrl.Remote r -> switch (r.url()) {
                case DestUrl.Rtsp x -> new RtspSource(pathName, sc, loops, c.io().readTimeout());
                case DestUrl.Rtmp x -> new RtmpSource(sc, loops, c.io().readTimeout(), c.io().readTimeout());
                case DestUrl.Srt x -> new SrtSource(sc, c.io().readTimeout(), c.io().readTimeout());
                case DestUrl.Whip x -> new WhepSource(pathName, sc, webrtcRuntime.certificate(), c.io().readTimeout());
            };
        };
    }

    public Conf conf() {
        return conf;
    }

    /** The authorizer in force now (a reload swaps it for every server at once). */
    public Authorizer authorizer() {
        return currentAuth;
    }

    /** What the API, metrics and status page read and change. */
    public Control control() {
        return control;
    }

    /** Reloads from the file the configuration came from (hot reload); see {@link Control}. */
    public ControlImpl reloader() {
        return control;
    }

    public Refusals refusals() {
        return refusals;
    }

    public PathManager paths() {
        return paths;
    }

    /** The hook runner: {@link Hooks#demandCommand} gives a path's runOnDemand to the on-demand logic. */
    public Hooks hooks() {
        return hooks;
    }

    public synchronized RtspServer rtsp() {
        return rtsp;
    }

    public synchronized RtmpServer rtmp() {
        return rtmp;
    }

    public synchronized SrtServer srt() {
        return srt;
    }

    /** SRT connections the SRT listener holds now (its connection-limit count); 0 when SRT is off. */
    public synchronized int srtConnections() {
        return srt == null ? 0 : srt.connections();
    }

    /** The API's bound port (tests use port 0), or -1 when it is not running. */
    public synchronized int apiPort() {
        return api == null ? -1 : api.port();
    }

    /** The metrics listener's bound port, or -1 when it is not running. */
    public synchronized int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    public synchronized WebrtcServer webrtc() {
        return webrtc;
    }

    /**
     * Stops everything: protocol listeners first (no new sessions), then paths (forwarders), then the metrics
     * and the API, then loops. Any
     * thread; a start in progress on another thread is aborted first (see {@link #start()}).
     */
    @Override
    public void close() {
        closing = true;
        readiness.stopping();
        // The lock only hands the components over: closing the API waits for its request threads, and
        // one of them may be waiting for this lock in apply(), so nothing is closed while holding it.
        List<AutoCloseable> order = new ArrayList<>();
        Thread restart;
        synchronized (this) {
            if (!started) {
                return;
            }
            started = false;
            // hooks first: their commands end (a runOnReady relay reads from the listeners below), and the
            // sessions and streams that end next start no runOnUnread/runOnNotReady/runOnDisconnect. The API
            // last before the loops: while listeners and paths close, the readiness probe answers 503
            // "stopping" rather than a refused connection.
            order.add(hooks);
            order.add(webrtc);
            order.add(srt);
            order.add(rtmp);
            order.add(rtsp);
            order.add(paths);
            order.add(sources);
            order.add(metricsServer);
            order.add(api);
            order.add(webrtcRuntime); // after every WebRTC user: joins the SRTP warm-up if one started
            order.add(loops);
            hooks = null;
            metricsServer = null;
            api = null;
            webrtc = null;
            srt = null;
            rtmp = null;
            rtsp = null;
            sources = null;
            restart = apiRestart;
            apiRestart = null;
        }
        // A pending API restart sees started == false and ends without starting anything.
        if (restart != null) {
            restart.interrupt(); // it may be sleeping its 200 ms
            if (!SluiceThreads.join(restart, Duration.ofSeconds(10))) {
                LOG.warn("{} did not end within 10 s", restart.getName());
            }
        }
        Exception failure = null;
        for (AutoCloseable c : order) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            LOG.warn("error while stopping", failure);
        }
    }
}
