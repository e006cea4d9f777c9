package io.sluice.core;

import io.netty.handler.ssl.SslContext;
import io.sluice.api.ApiServer;
import io.sluice.auth.Authorizer;
import io.sluice.conf.Conf;
import io.sluice.conf.LimitsConf;
import io.sluice.conf.TlsServerConf;
import io.sluice.control.Control;
import io.sluice.metrics.MetricsEndpoint;
import io.sluice.metrics.SluiceMetrics;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.ServerTls;
import io.sluice.net.TlsFileException;
import io.sluice.net.webrtc.WebrtcRuntime;
import io.sluice.path.PathManager;
import io.sluice.server.rtmp.RtmpServer;
import io.sluice.server.rtsp.RtspServer;
import io.sluice.server.srt.SrtServer;
import io.sluice.server.webrtc.WebrtcServer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listeners makes and starts each listening component of a {@link Server} from a configuration: the four
 * protocol servers, the API and the metrics listener, with what they share for the server's whole life (the
 * event loops, the paths, the authorizer in force, the refusal counts, the DTLS certificate). {@link Server}
 * decides when each one starts, restarts and stops; this class only knows how to make one. A server switched
 * off in the configuration (mediamtx's {@code rtsp: no}, {@code api: no}...) is not made: its listeners are
 * not bound, and the method returns null.
 */
final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final NetLoops loops;
    private final PathManager paths;
    /** The authorizer in force now; protocol servers ask it on each request. */
    private final Supplier<Authorizer> auth;
    /** The limits in force now: listeners read them at each accept, so a reload applies without a restart. */
    private final Supplier<LimitsConf> limits;
    private final Refusals refusals;
    private final WebrtcRuntime webrtcRuntime;

    Listeners(NetLoops loops, PathManager paths, Supplier<Authorizer> auth, Supplier<LimitsConf> limits,
            Refusals refusals, WebrtcRuntime webrtcRuntime) {
        this.loops = loops;
        this.paths = paths;
        this.auth = auth;
        this.limits = limits;
        this.refusals = refusals;
        this.webrtcRuntime = webrtcRuntime;
    }

    RtspServer rtsp(Conf c) throws Exception {
        if (off("RTSP", "rtsp", c.rtsp().enabled())) {
            return null;
        }
        return started(new RtspServer(c, loops, paths, auth, refusals), RtspServer::start);
    }

    RtmpServer rtmp(Conf c) throws Exception {
        if (off("RTMP", "rtmp", c.rtmp().enabled())) {
            return null;
        }
        return started(new RtmpServer(c, loops, paths, auth, refusals), RtmpServer::start);
    }

    SrtServer srt(Conf c) throws Exception {
        if (off("SRT", "srt", c.srt().enabled())) {
            return null;
        }
        return started(new SrtServer(c, loops, paths, auth, refusals), SrtServer::start);
    }

    WebrtcServer webrtc(Conf c) throws Exception {
        if (off("WebRTC", "webrtc", c.webrtc().enabled())) {
            return null;
        }
        return started(new WebrtcServer(c, loops, paths, webrtcRuntime, auth, refusals), WebrtcServer::start);
    }

    /** @param apiAuth an authorizer that follows reloads by itself (the API keeps it for its whole life) */
    ApiServer api(Conf c, Control control, Authorizer apiAuth) throws Exception {
        if (off("API", "api", c.api().enabled())) {
            return null;
        }
        SslContext tls = https("api", c.api().tls());
        ApiServer s = started(new ApiServer(c.api().address(), loops, control, apiAuth, limits, refusals, tls),
                ApiServer::start);
        LOG.info("API and status page on {}://{}/ (port {})", tls != null ? "https" : "http", c.api().address(), s.port());
        return s;
    }

    /** @param apiAuth as for {@link #api} */
    MetricsServer metrics(Conf c, SluiceMetrics metrics, Authorizer apiAuth) throws Exception {
        if (off("metrics", "metrics", c.metrics().enabled())) {
            return null;
        }
        SslContext tls = https("metrics", c.metrics().tls());
        MetricsServer s = started(new MetricsServer(c.metrics().address(), loops, new MetricsEndpoint(metrics, apiAuth),
                limits, refusals, tls), MetricsServer::start);
        LOG.info("Prometheus metrics on {}://{}/metrics (port {})", tls != null ? "https" : "http", c.metrics().address(),
                s.port());
        return s;
    }

    /** Whether a server is switched off by its key; says so in the log, once per start or restart. */
    private static boolean off(String name, String key, boolean enabled) {
        if (!enabled) {
            LOG.info("{} server off ({}: no): not listening", name, key);
        }
        return !enabled;
    }

    private interface Start<T> {
        void start(T component) throws Exception;
    }

    /** Starts a component; if that fails, closes what it opened and rethrows. */
    private static <T extends AutoCloseable> T started(T component, Start<T> start) throws Exception {
        try {
            start.start(component);
        } catch (Exception e) {
            component.close();
            throw e;
        }
        return component;
    }

    /** The TLS context of an HTTP server whose encryption is on, else null; prefix names its keys ("api"). */
    private static SslContext https(String prefix, TlsServerConf tls) throws TlsFileException {
        return tls.encryption().tls() ? ServerTls.context(prefix, tls) : null;
    }
}
