package io.sluice.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.auth.Authorizer;
import io.sluice.conf.AuthAction;
import io.sluice.control.FakeControl;
import io.sluice.control.PathInfo;
import io.sluice.metrics.MetricsEndpoint.Request;
import io.sluice.metrics.MetricsEndpoint.Response;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private static final InetAddress LAN = address("10.1.2.3");
    private static final InetAddress WAN = address("203.0.113.9");

    /** One call to the Authorizer, as recorded. */
    record Asked(AuthAction action, String path, String user, String pass, InetAddress ip) {
    }

    private final List<Asked> asked = new ArrayList<>();
    private final FakeControl control = new FakeControl();

    /** Allows user prom/pw, or the token tok, from 10.0.0.0/8 only. */
    private final Authorizer auth = (action, path, user, pass, ip) -> {
        asked.add(new Asked(action, path, user, pass, ip));
        boolean who = user.equals("prom") && pass.equals("pw") || user.isEmpty() && pass.equals("tok");
        return action == AuthAction.METRICS && who && ip.getAddress()[0] == 10;
    };

    private final MetricsEndpoint endpoint = new MetricsEndpoint(new SluiceMetrics(control, false), auth);

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static String basic(String user, String pass) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }

    Response get(String uri, Map<String, String> headers, InetAddress from) {
        return endpoint.handle(new Request("GET", uri, headers, from));
    }

    static String body(Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static void assertRefused(Response r) {
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers()).containsEntry("WWW-Authenticate", "Basic realm=\"sluice\"");
        assertThat(body(r)).doesNotContain("sluice_");
    }

    @Test
    void basicCredentialsGetTheTextFormat() {
        control.paths.add(new PathInfo("live/cam1", "live/cam1", true, null, null, List.of(), 7, 1, 0, List.of()));
        Response r = get("/metrics", Map.of("Authorization", basic("prom", "pw")), LAN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(body(r)).contains("sluice_path_bytes_in_total{path=\"live/cam1\"} 7.0");
        assertThat(asked).containsExactly(new Asked(AuthAction.METRICS, "", "prom", "pw", LAN));
    }

    @Test
    void bearerTokenIsThePasswordWithNoUser() {
        Response r = get("/metrics?name[]=sluice_sessions", Map.of("authorization", "bearer tok"), LAN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(asked).containsExactly(new Asked(AuthAction.METRICS, "", "", "tok", LAN));
    }

    @Test
    void refusalsAre401WithABasicChallenge() {
        assertRefused(get("/metrics", Map.of(), LAN));
        assertRefused(get("/metrics", Map.of("Authorization", basic("prom", "wrong")), LAN));
        assertRefused(get("/metrics", Map.of("Authorization", basic("prom", "pw")), WAN));
        assertRefused(get("/metrics", Map.of("Authorization", "Bearer nope"), LAN));
        assertRefused(get("/metrics", Map.of("Authorization", "Basic %%%not-base64"), LAN));
        assertRefused(get("/metrics", Map.of("Authorization", "Digest username=\"prom\""), LAN));
        // what could not be read is asked as no credentials, never guessed at
        assertThat(asked.subList(4, 6)).allSatisfy(a -> assertThat(a.user() + a.pass()).isEmpty());
    }

    @Test
    void passwordsMayContainColons() {
        Authorizer colon = (action, path, user, pass, ip) -> user.equals("u") && pass.equals("a:b:c");
        MetricsEndpoint e = new MetricsEndpoint(new SluiceMetrics(control, false), colon);
        assertThat(e.handle(new Request("GET", "/metrics", Map.of("Authorization", basic("u", "a:b:c")), LAN))
                .status()).isEqualTo(200);
    }

    @Test
    void otherPathsAre404AndOtherMethods405WithoutAskingTheAuthorizer() {
        Map<String, String> ok = Map.of("Authorization", basic("prom", "pw"));
        assertThat(get("/", ok, LAN).status()).isEqualTo(404);
        assertThat(get("/metrics/", ok, LAN).status()).isEqualTo(404);
        assertThat(get("/v3/paths/list", ok, LAN).status()).isEqualTo(404);
        Response post = endpoint.handle(new Request("POST", "/metrics", ok, LAN));
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("Allow", "GET");
        assertThat(asked).isEmpty();
    }

    @Test
    void aFailingScrapeIs500WithoutDetails() {
        FakeControl broken = new FakeControl();
        // no stack trace: the test log shows the ERROR line only
        broken.failure = new IllegalStateException("secret internals") {
            @Override
            public synchronized Throwable fillInStackTrace() {
                return this;
            }
        };
        MetricsEndpoint e = new MetricsEndpoint(new SluiceMetrics(broken, false), Authorizer.ALLOW_ALL);
        Response r = e.handle(new Request("GET", "/metrics", Map.of(), LAN));
        assertThat(r.status()).isEqualTo(500);
        assertThat(body(r)).doesNotContain("secret");
    }

    @Test
    void requestsPrintWithoutTheirCredentials() {
        Request r = new Request("GET", "/metrics", Map.of("Authorization", basic("prom", "pw")), LAN);
        assertThat(r.toString()).isEqualTo("GET /metrics from 10.1.2.3");
        assertThat(io.sluice.auth.HttpCredentials.from(basic("prom", "pw")).toString()).doesNotContain("pw");
    }
}
