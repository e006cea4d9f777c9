package io.sluice.server.webrtc;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.server.webrtc.WebrtcRoute.BadPath;
import io.sluice.server.webrtc.WebrtcRoute.Endpoint;
import io.sluice.server.webrtc.WebrtcRoute.Index;
import io.sluice.server.webrtc.WebrtcRoute.NotFound;
import io.sluice.server.webrtc.WebrtcRoute.PublishPage;
import io.sluice.server.webrtc.WebrtcRoute.ReadPage;
import io.sluice.server.webrtc.WebrtcRoute.Session;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcHttpRouter turns one WHIP/WHEP or page request into a reply, calling the session layer
 * where the route needs it (RFC 9725 §4.2 for the exchange, §4.3 for PATCH, §4.4 for Link).
 *
 * <p>Runs on the server's virtual threads, never on an event loop, because session calls block
 * while ICE candidates are gathered. It keeps no state, so concurrent requests need no locks.
 */
final class WebrtcHttpRouter {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcHttpRouter.class);

    private final WebrtcSessions sessions;

    WebrtcHttpRouter(WebrtcSessions sessions) {
        this.sessions = sessions;
    }

    /** Never throws: every failure becomes a reply, and only the 500s carry no reason. */
    WebrtcHttpReply handle(WebrtcHttpRequest req) {
        QueryStringDecoder url;
        WebrtcRoute route;
        try {
            url = new QueryStringDecoder(req.uri());
            route = WebrtcRoute.parse(url.path());
        } catch (IllegalArgumentException e) { // bad percent-encoding
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
                case Endpoint e -> endpoint(req, url, e);
                case Session s -> session(req, s);
                case NotFound n -> {
                    LOG.debug("WebRTC HTTP {} from {}: 404 not found", req.method(), req.remote());
                    yield WebrtcHttpReply.text(404, "not found");
                }
                case BadPath b -> throw new WebrtcHttpException(400, b.reason(),
                        b.badName() && sessions.badPathName(req.remote(), b.reason()));
            };
        } catch (WebrtcHttpException e) {
            return refused(req, path, e);
        } catch (Exception e) {
            if (e instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                LOG.debug("WebRTC HTTP {} on '{}' from {} interrupted: server closing", req.method(), path,
                        req.remote());
                return WebrtcHttpReply.text(503, "server closing");
            }
            // The text of an unexpected exception may hold internals; it goes to the log only.
            LOG.error("WebRTC HTTP {} on '{}' from {} failed", req.method(), path, req.remote(), e);
            return WebrtcHttpReply.text(500, "internal error");
        }
    }

    private static WebrtcHttpReply page(WebrtcHttpRequest req, String path, String html) {
        return req.method().equals("GET") ? WebrtcHttpReply.html(html) : notAllowed(req, path, "GET");
    }

    private WebrtcHttpReply endpoint(WebrtcHttpRequest req, QueryStringDecoder url, Endpoint e)
            throws WebrtcHttpException {
        return switch (req.method()) {
            case "OPTIONS" -> WebrtcHttpReply.empty(204).withAll("Link", sessions.iceServerLinks());
            case "POST" -> create(req, url, e);
            default -> notAllowed(req, e.path(), "OPTIONS, POST");
        };
    }

    private WebrtcHttpReply create(WebrtcHttpRequest req, QueryStringDecoder url, Endpoint e)
            throws WebrtcHttpException {
        requireType(req, WebrtcHttpReply.SDP);
        WebrtcCredentials creds = WebrtcCredentials.parse(req.authorization(), url.parameters());
        if (req.body().isBlank()) {
            throw new WebrtcHttpException(400, "empty SDP offer");
        }
        WebrtcAnswer a = switch (e.kind()) {
            case WHIP -> sessions.publish(e.path(), req.body(), creds, req.remote());
            case WHEP -> sessions.read(e.path(), req.body(), creds, req.remote());
        };
        if (a == null || a.sdp() == null || !WebrtcRoute.validSessionId(a.sessionId())) {
            throw new IllegalStateException("session layer returned an unusable answer " + a);
        }
        LOG.info("{} session {} created on path '{}' for {}", e.kind(), a.sessionId(), e.path(), req.remote());
        WebrtcHttpReply r = WebrtcHttpReply.body(201, WebrtcHttpReply.SDP, a.sdp())
                .with("Location", e.location(a.sessionId()))
                .with("Accept-Patch", WebrtcHttpReply.SDP_FRAG)
                .withAll("Link", sessions.iceServerLinks())
                .onUndelivered(() -> abandon(e, a.sessionId(), req.remote()));
        return a.etag() == null || a.etag().isEmpty() ? r : r.with("ETag", a.etag());
    }

    private WebrtcHttpReply session(WebrtcHttpRequest req, Session s) throws WebrtcHttpException {
        return switch (req.method()) {
            case "OPTIONS" -> WebrtcHttpReply.empty(204);
            case "PATCH" -> {
                requireType(req, WebrtcHttpReply.SDP_FRAG);
                String frag = sessions.patch(s.path(), s.id(), req.body(), req.ifMatch() == null ? "" : req.ifMatch());
                yield frag == null ? WebrtcHttpReply.empty(204)
                        : WebrtcHttpReply.body(200, WebrtcHttpReply.SDP_FRAG, frag);
            }
            case "DELETE" -> {
                sessions.delete(s.path(), s.id());
                LOG.info("{} session {} deleted on path '{}' by {}", s.kind(), s.id(), s.path(), req.remote());
                yield WebrtcHttpReply.empty(200);
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

    private static WebrtcHttpReply refused(WebrtcHttpRequest req, String path, WebrtcHttpException e) {
        int status = e.status();
        if (status < 400 || status > 599) {
            LOG.error("WebRTC HTTP {} on '{}' from {}: session layer refused with status {}", req.method(), path,
                    req.remote(), status, e);
            return WebrtcHttpReply.text(500, "internal error");
        }
        String reason = e.getMessage() == null ? "refused" : e.getMessage();
        if (Thread.currentThread().isInterrupted()) { // the session layer gave up because we are closing
            LOG.debug("WebRTC HTTP {} on '{}' from {} ended by close: {} {}", req.method(), path, req.remote(),
                    status, reason);
            return WebrtcHttpReply.text(status, reason);
        }
        if (e.logged()) {
            LOG.debug("WebRTC HTTP {} on '{}' from {} refused: {} {}", req.method(), path, req.remote(), status,
                    reason);
        } else {
            LOG.warn("WebRTC HTTP {} on '{}' from {} refused: {} {}", req.method(), path, req.remote(), status,
                    reason);
        }
        WebrtcHttpReply r = WebrtcHttpReply.text(status, reason);
        return status == 401 ? r.with("WWW-Authenticate", "Basic realm=\"sluice\"") : r;
    }

    /** Media type parameters (e.g. "; charset=utf-8") are allowed; the type is compared case-insensitively. */
    private static void requireType(WebrtcHttpRequest req, String type) throws WebrtcHttpException {
        String ct = req.contentType() == null ? "" : req.contentType();
        int semi = ct.indexOf(';');
        String mime = (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        if (!mime.equals(type)) {
            throw new WebrtcHttpException(415, "Content-Type must be " + type);
        }
    }

    /** A 405 must name the allowed methods (RFC 9110 §15.5.6). */
    private static WebrtcHttpReply notAllowed(WebrtcHttpRequest req, String path, String allow) {
        LOG.warn("WebRTC HTTP {} on '{}' from {} refused: 405 method not allowed", req.method(), path, req.remote());
        return WebrtcHttpReply.text(405, "method not allowed; allowed: " + allow).with("Allow", allow);
    }
}
