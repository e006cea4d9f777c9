package io.sluice.server.webrtc;

import io.sluice.conf.LimitsConf;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.http.HttpHandler;
import io.sluice.net.http.HttpListener;
import io.sluice.net.http.HttpPaths;
import io.sluice.net.http.HttpReply;
import io.sluice.net.http.HttpRequest;
import io.sluice.server.webrtc.WebrtcRoute.BadPath;
import io.sluice.server.webrtc.WebrtcRoute.Endpoint;
import io.sluice.server.webrtc.WebrtcRoute.Index;
import io.sluice.server.webrtc.WebrtcRoute.NotFound;
import io.sluice.server.webrtc.WebrtcRoute.PublishPage;
import io.sluice.server.webrtc.WebrtcRoute.ReadPage;
import io.sluice.server.webrtc.WebrtcRoute.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcHttpRouter is the HTTP side of WebRTC as a {@link HttpHandler} of net/http's listener: WHIP publish
 * and WHEP read endpoints (RFC 9725 §4.2 for the exchange, §4.3 for PATCH, §4.4 for Link) and the browser
 * pages, calling the session layer where the route needs it. Every reply, refusals included, carries CORS
 * headers, so a page on another origin can read errors too, not only successes.
 *
 * <p>Runs on the listener's virtual threads ("sluice-webrtc-http-N"), never on an event loop, because
 * session calls block while ICE candidates are gathered; the listener interrupts them when it closes. It
 * keeps no state, so concurrent requests need no locks.
 */
final class WebrtcHttpRouter implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcHttpRouter.class);
    /** Shorter than the API's minute: a WHIP client's requests come in a burst at the start of a session. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final String SDP = "application/sdp";
    static final String SDP_FRAG = "application/trickle-ice-sdpfrag";

    private final WebrtcSessions sessions;

    WebrtcHttpRouter(WebrtcSessions sessions) {
        this.sessions = sessions;
    }

    /**
     * The WHIP/WHEP listener on {@code address}: refusals are counted as "webrtc", handlers run on
     * "sluice-webrtc-http-N" threads.
     */
    static HttpListener listener(String address, NetLoops loops, WebrtcSessions sessions,
            Supplier<LimitsConf> limits, Refusals refusals) {
        return new HttpListener("webrtc", address, loops, new WebrtcHttpRouter(sessions), limits, refusals)
                .idleTimeout(IDLE_TIMEOUT);
    }

    /** Never throws: every failure becomes a reply, and only the 500s carry no reason. */
    @Override
    public HttpReply handle(HttpRequest req) {
        return cors(route(req));
    }

    /** A refusal of the listener itself (400, 413, 431, 503) in the same form as the router's own. */
    @Override
    public HttpReply refused(int status, String reason) {
        return cors(HttpReply.text(status, reason));
    }

    private HttpReply route(HttpRequest req) {
        WebrtcRoute route;
        try {
            route = WebrtcRoute.parse(HttpPaths.decode(req.path()));
        } catch (IllegalArgumentException e) { // bad percent-encoding, or escaped bytes that are not UTF-8
            return refused(req, "?", new WebrtcHttpException(400, "malformed URL"));
        }
        String path = switch (route) {
            case ReadPage p -> p.path();
            case PublishPage p -> p.path();
            case Endpoint e -> e.path();
            case Session s -> s.path();
            case Index i -> "/";
            case NotFound n -> "?";
            case BadPath b -> "?"; // an invalid name is never logged: it may hold anything
        };
        try {
            return switch (route) {
                case Index i -> page(req, path, WebrtcPages.INDEX);
                case ReadPage p -> page(req, path, WebrtcPages.READ);
                case PublishPage p -> page(req, path, WebrtcPages.PUBLISH);
                case Endpoint e -> endpoint(req, e);
                case Session s -> session(req, s);
                case NotFound n -> {
                    LOG.debug("WebRTC HTTP {} from {}: 404 not found", req.method(), req.remoteText());
                    yield HttpReply.text(404, "not found");
                }
                case BadPath b -> throw new WebrtcHttpException(400, b.reason(),
                        b.badName() && sessions.badPathName(req.remoteText(), b.reason()));
            };
        } catch (WebrtcHttpException e) {
            return refused(req, path, e);
        } catch (Exception e) {
            if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                LOG.debug("WebRTC HTTP {} on '{}' from {} interrupted: server closing", req.method(), path,
                        req.remoteText());
                return HttpReply.text(503, "server closing");
            }
            // The text of an unexpected exception may hold internals; it goes to the log only.
            LOG.error("WebRTC HTTP {} on '{}' from {} failed", req.method(), path, req.remoteText(), e);
            return HttpReply.text(500, "internal error");
        }
    }

    private static HttpReply page(HttpRequest req, String path, String html) {
        return req.method().equals("GET") ? HttpReply.of(200, HttpReply.HTML, html).with("Cache-Control", "no-cache")
                : notAllowed(req, path, "GET");
    }

    private HttpReply endpoint(HttpRequest req, Endpoint e) throws WebrtcHttpException {
        return switch (req.method()) {
            case "OPTIONS" -> HttpReply.empty(204).withAll("Link", sessions.iceServerLinks());
            case "POST" -> create(req, e);
            default -> notAllowed(req, e.path(), "OPTIONS, POST");
        };
    }

    private HttpReply create(HttpRequest req, Endpoint e) throws WebrtcHttpException {
        requireType(req, SDP);
        WebrtcCredentials creds = WebrtcCredentials.parse(req.header("Authorization"), req.query());
        String offer = new String(req.body(), StandardCharsets.UTF_8);
        if (offer.isBlank()) {
            throw new WebrtcHttpException(400, "empty SDP offer");
        }
        WebrtcAnswer a = switch (e.kind()) {
            case WHIP -> sessions.publish(e.path(), offer, creds, req.remoteText(), req.rawQuery());
            case WHEP -> sessions.read(e.path(), offer, creds, req.remoteText(), req.rawQuery());
        };
        if (a == null || a.sdp() == null || !WebrtcRoute.validSessionId(a.sessionId())) {
            throw new IllegalStateException("session layer returned an unusable answer " + a);
        }
        LOG.info("{} session {} created on path '{}' for {}", e.kind(), a.sessionId(), e.path(), req.remoteText());
        HttpReply r = HttpReply.of(201, SDP, a.sdp())
                .with("Location", e.location(a.sessionId()))
                .with("Accept-Patch", SDP_FRAG)
                .withAll("Link", sessions.iceServerLinks())
                .onUndelivered(() -> abandon(e, a.sessionId(), req.remoteText()));
        return a.etag() == null || a.etag().isEmpty() ? r : r.with("ETag", a.etag());
    }

    private HttpReply session(HttpRequest req, Session s) throws WebrtcHttpException {
        return switch (req.method()) {
            case "OPTIONS" -> HttpReply.empty(204);
            case "PATCH" -> {
                requireType(req, SDP_FRAG);
                String ifMatch = req.header("If-Match");
                String frag = sessions.patch(s.path(), s.id(), new String(req.body(), StandardCharsets.UTF_8),
                        ifMatch == null ? "" : ifMatch);
                yield frag == null ? HttpReply.empty(204)
                        : HttpReply.of(200, SDP_FRAG, frag);
            }
            case "DELETE" -> {
                sessions.delete(s.path(), s.id());
                LOG.info("{} session {} deleted on path '{}' by {}", s.kind(), s.id(), s.path(), req.remoteText());
                yield HttpReply.empty(200);
            }
            default -> notAllowed(req, s.path(), "OPTIONS, PATCH, DELETE");
        };
    }

    /** The client went away before it got the Location, so nobody could ever DELETE this session. */
    private void abandon(Endpoint e, String id, String remote) {
        try {
            sessions.delete(e.path(), id);
            LOG.info("{} session {} deleted on path '{}': the answer could not reach {}", e.kind(), id, e.path(),
                    remote);
        } catch (WebrtcHttpException | RuntimeException ex) {
            LOG.warn("{} session {} on path '{}': delete after an undelivered answer failed: {}", e.kind(), id,
                    e.path(), ex.toString());
        }
    }

    private static HttpReply refused(HttpRequest req, String path, WebrtcHttpException e) {
        int status = e.status();
        if (status < 400 || status > 599) {
            LOG.error("WebRTC HTTP {} on '{}' from {}: session layer refused with status {}", req.method(), path,
                    req.remoteText(), status, e);
            return HttpReply.text(500, "internal error");
        }
        String reason = e.getMessage() == null ? "refused" : e.getMessage();
        if (Thread.currentThread().isInterrupted()) { // the session layer gave up because we are closing
            LOG.debug("WebRTC HTTP {} on '{}' from {} ended by close: {} {}", req.method(), path, req.remoteText(),
                    status, reason);
            return HttpReply.text(status, reason);
        }
        if (e.logged()) {
            LOG.debug("WebRTC HTTP {} on '{}' from {} refused: {} {}", req.method(), path, req.remoteText(), status,
                    reason);
        } else {
            LOG.warn("WebRTC HTTP {} on '{}' from {} refused: {} {}", req.method(), path, req.remoteText(), status,
                    reason);
        }
        HttpReply r = HttpReply.text(status, reason);
        return status == 401 ? r.with("WWW-Authenticate", "Basic realm=\"sluice\"") : r;
    }

    /** The CORS headers every reply carries; OPTIONS on any endpoint or session URL is the preflight. */
    private static HttpReply cors(HttpReply r) {
        return r.with("Access-Control-Allow-Origin", "*")
                .with("Access-Control-Allow-Methods", "OPTIONS, GET, POST, PATCH, DELETE")
                .with("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
                .with("Access-Control-Expose-Headers", "Link, Location, ETag, Accept-Patch");
    }

    /** Media type parameters (e.g. "; charset=utf-8") are allowed; the type is compared case-insensitively. */
    private static void requireType(HttpRequest req, String type) throws WebrtcHttpException {
        String ct = req.header("Content-Type") == null ? "" : req.header("Content-Type");
        int semi = ct.indexOf(';');
        String mime = (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        if (!mime.equals(type)) {
            throw new WebrtcHttpException(415, "Content-Type must be " + type);
        }
    }

    /** A 405 must name the allowed methods (RFC 9110 §15.5.6). */
    private static HttpReply notAllowed(HttpRequest req, String path, String allow) {
        LOG.warn("WebRTC HTTP {} on '{}' from {} refused: 405 method not allowed", req.method(), path, req.remoteText());
        return HttpReply.text(405, "method not allowed; allowed: " + allow).with("Allow", allow);
    }
}
