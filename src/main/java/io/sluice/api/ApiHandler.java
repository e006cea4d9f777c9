package io.sluice.api;

import io.sluice.auth.Authorizer;
import io.sluice.auth.HttpCredentials;
import io.sluice.conf.AuthAction;
import io.sluice.conf.Redact;
import io.sluice.control.Control;
import io.sluice.control.ControlException;
import io.sluice.net.http.HttpHandler;
import io.sluice.net.http.HttpReply;
import io.sluice.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ApiHandler answers every request of the API listener: CORS preflight, then authorization, then the
 * route's action; every refusal is a JSON error ({@code {"status","error","problems"}}) with no stack trace.
 */
final class ApiHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    static final String METHODS = "OPTIONS, GET, POST, PATCH, DELETE";

    private final Authorizer auth;
    private final List<ApiRoute> routes;

    ApiHandler(Control control, Authorizer auth) {
        this.auth = auth;
        List<ApiRoute> all = new ArrayList<>();
        all.addAll(new ApiStatusPage().routes());
        all.addAll(new ApiPaths(control).routes());
        all.addAll(new ApiTargets(control).routes());
        all.addAll(new ApiGroups(control).routes());
        all.addAll(new ApiSessions(control).routes());
        all.addAll(new ApiConfig(control).routes());
        all.addAll(new ApiHealth(control, java.time.InstantSource.system()).routes());
        this.routes = List.copyOf(all);
    }

    @Override
    public HttpReply handle(HttpRequest req) {
        if (req.method().equals("OPTIONS")) {
            // preflight: browsers send it without credentials, so it is answered before authorization (as mediamtx)
            return cors(HttpReply.empty(204)
                    .with("Access-Control-Allow-Methods", METHODS)
                    .with("Access-Control-Allow-Headers", "Authorization, Content-Type")
                    .with("Access-Control-Max-Age", "600"));
        }
        HttpCredentials creds = HttpCredentials.from(req.header("Authorization"));
        if (!auth.allows(AuthAction.API, "", creds.user(), creds.pass(), req.remote().getAddress())) {
            if (creds.given()) {
                LOG.warn("API {}: credentials refused", req);
            } else {
                LOG.debug("API {}: credentials required", req);
            }
            return error(401, List.of("authentication error"), List.of())
                    .with("WWW-Authenticate", "Basic realm=\"sluice\"");
        }
        try {
            return cors(route(req));
        } catch (ApiException e) {
            LOG.debug("API {}: {} {}", req, e.status(), e.getMessage());
            return error(e.status(), List.of(e.getMessage()), e.allow());
        } catch (ControlException e) {
            LOG.debug("API {}: {} {}", req, e.status(), Redact.text(e.getMessage()));
            boolean valid = e.status() >= 400 && e.status() <= 599;
            return error(valid ? e.status() : 500, e.problems(), List.of());
        }
    }

    private HttpReply route(HttpRequest req) throws ApiException, ControlException {
        Set<String> allow = new LinkedHashSet<>();
        for (ApiRoute r : routes) {
            ApiCall call = r.match(req);
            if (call == null) {
                continue;
            }
            if (r.method().equals(req.method())) {
                return r.action().run(call);
            }
            allow.add(r.method());
        }
        if (!allow.isEmpty()) {
            throw new ApiException(405, "method " + req.method() + " not allowed on " + req.path() + "; use "
                    + String.join(" or ", allow), List.copyOf(allow));
        }
        throw new ApiException(404, "no route " + req.method() + " " + req.path());
    }

    @Override
    public HttpReply refused(int status, String reason) {
        return error(status, List.of(reason), List.of());
    }

    private static HttpReply error(int status, List<String> problems, List<String> allow) {
        HttpReply r = ApiJson.error(status, problems);
        if (!allow.isEmpty()) {
            r = r.with("Allow", String.join(", ", allow));
        }
        return cors(r);
    }

    /** Headers every reply carries: mediamtx's CORS (any origin), and no content sniffing. */
    private static HttpReply cors(HttpReply r) {
        return r.with("Access-Control-Allow-Origin", "*")
                .with("Access-Control-Allow-Credentials", "true")
                .with("X-Content-Type-Options", "nosniff");
    }
}
