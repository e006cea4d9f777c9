package io.sluice.metrics;

import io.sluice.auth.Authorizer;
import io.sluice.auth.HttpCredentials;
import io.sluice.conf.AuthAction;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MetricsEndpoint answers the requests of the metrics listener ({@code metricsAddress}): {@code GET /metrics}
 * with the Prometheus text, after asking the {@link Authorizer} for {@link AuthAction#METRICS}. It knows no
 * HTTP library: any listener turns its request into a {@link Request} and writes the {@link Response} back.
 *
 * <p>Credentials come from {@code Authorization: Basic} (user and password) or {@code Bearer} (the token
 * as the password, user ""). A refusal is 401 with a Basic challenge, so Prometheus' {@code basic_auth}
 * and browsers both work.
 */
public final class MetricsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    /** The one path served. */
    public static final String PATH = "/metrics";

    private static final String TEXT = "text/plain; charset=utf-8";

    private final SluiceMetrics metrics;
    private final Authorizer authorizer;

    public MetricsEndpoint(SluiceMetrics metrics, Authorizer authorizer) {
        this.metrics = metrics;
        this.authorizer = authorizer;
    }

    /**
     * One HTTP request as the endpoint needs it.
     *
     * @param method e.g. "GET"
     * @param uri the request target, path and optional query ("/metrics?x=1")
     * @param headers request headers; names are matched ignoring case
     * @param remote the client's address (for IP-restricted users)
     */
    public record Request(String method, String uri, Map<String, String> headers, InetAddress remote) {
        public Request {
            headers = Map.copyOf(headers);
        }

        /** The header's value, name matched ignoring case; "" when absent. */
        public String header(String name) {
            for (Map.Entry<String, String> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return "";
        }

        /** Leaves the headers out: Authorization carries credentials. */
        @Override
        public String toString() {
            return method + " " + uri + " from " + remote.getHostAddress();
        }
    }

    /**
     * The answer to write back.
     *
     * @param status HTTP status
     * @param contentType the Content-Type header
     * @param headers further headers (e.g. WWW-Authenticate)
     * @param body the body
     */
    public record Response(int status, String contentType, Map<String, String> headers, byte[] body) {
        public Response {
            headers = Map.copyOf(headers);
        }

        static Response text(int status, String body, Map<String, String> headers) {
            return new Response(status, TEXT, headers, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Answers one request. Any thread; a scrape reads {@code Control} on the calling thread. */
    public Response handle(Request req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (!path.equals(PATH)) {
            return Response.text(404, "not found\n", Map.of());
        }
        if (!req.method().equals("GET")) {
            return Response.text(405, "method not allowed\n", Map.of("Allow", "GET"));
        }
        HttpCredentials c = HttpCredentials.from(req.header("Authorization"));
        if (!authorizer.allows(AuthAction.METRICS, "", c.user(), c.pass(), req.remote())) {
            LOG.debug("metrics refused to {} (user '{}')", req.remote().getHostAddress(), c.user());
            return Response.text(401, "unauthorized\n", Map.of("WWW-Authenticate", "Basic realm=\"sluice\""));
        }
        byte[] body;
        try {
            body = metrics.scrape();
        } catch (RuntimeException e) {
            LOG.error("metrics scrape failed", e);
            return Response.text(500, "scrape failed\n", Map.of());
        }
        return new Response(200, SluiceMetrics.CONTENT_TYPE, Map.of("Cache-Control", "no-store"), body);
    }
}
