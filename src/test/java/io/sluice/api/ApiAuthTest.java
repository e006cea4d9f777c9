package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.conf.AuthAction;
import io.sluice.control.FakeControl;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Every request but a CORS preflight needs the api permission; credentials never come back or reach logs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiAuthTest {
    private static final String USER = "admin";
    private static final String PASS = "s3cr3t-pass";
    private static final String TOKEN = "tok-9f8e7d";

    private record Asked(AuthAction action, String path, String user, String pass, InetAddress ip) {
    }

    private final List<Asked> asked = new CopyOnWriteArrayList<>();
    private final FakeControl control = FakeControl.sample();
    private final Logger sluiceLog = (Logger) LoggerFactory.getLogger("io.sluice");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level level;
    private ApiTestClient api;

    @BeforeEach
    void start() throws Exception {
        level = sluiceLog.getLevel();
        sluiceLog.setLevel(Level.DEBUG); // the most that could be logged
        logs.setContext(sluiceLog.getLoggerContext());
        logs.start();
        sluiceLog.addAppender(logs);
        api = new ApiTestClient(control, (action, path, user, pass, ip) -> {
            asked.add(new Asked(action, path, user, pass, ip));
            return (user.equals(USER) && pass.equals(PASS)) || (user.isEmpty() && pass.equals(TOKEN));
        }).start();
    }

    @AfterEach
    void stop() {
        api.close();
        sluiceLog.detachAppender(logs);
        sluiceLog.setLevel(level);
    }

    private ApiTestClient.Res get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.uri(path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return api.send(b);
    }

    private static String basic(String user, String pass) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicCredentialsAreAskedForTheApiAction() throws Exception {
        assertThat(get("/v3/paths/list", basic(USER, PASS)).status()).isEqualTo(200);
        assertThat(asked).containsExactly(new Asked(AuthAction.API, "", USER, PASS, InetAddress.getLoopbackAddress()));
    }

    @Test
    void aBearerTokenIsThePasswordOfNoUser() throws Exception {
        assertThat(get("/v3/paths/list", "Bearer " + TOKEN).status()).isEqualTo(200);
        assertThat(asked.getFirst().user()).isEmpty();
        assertThat(asked.getFirst().pass()).isEqualTo(TOKEN);
    }

    @Test
    void aPasswordWithAColonKeepsIt() throws Exception {
        get("/v3/paths/list", basic("u", "a:b"));
        assertThat(asked.getFirst().user()).isEqualTo("u");
        assertThat(asked.getFirst().pass()).isEqualTo("a:b");
    }

    @Test
    void refusedIs401WithABasicChallengeAndAJsonError() throws Exception {
        for (String auth : new String[] {null, basic(USER, "wrong"), "Bearer wrong", "Basic !!!notbase64", "Digest x"}) {
            ApiTestClient.Res r = get("/v3/paths/list", auth);
            assertThat(r.status()).as(auth).isEqualTo(401);
            assertThat(r.header("www-authenticate")).isEqualTo("Basic realm=\"sluice\"");
            assertThat(r.json().get("error").asString()).isEqualTo("authentication error");
            assertThat(r.body()).doesNotContain(USER).doesNotContain("wrong");
        }
        assertThat(asked.get(3).user()).as("malformed Basic is no credentials").isEmpty();
        assertThat(control.calls).isEmpty();
    }

    @Test
    void theStatusPageAndChangesAreProtectedToo() throws Exception {
        assertThat(get("/", null).status()).isEqualTo(401);
        ApiTestClient.Res r = api.send(HttpRequest.newBuilder(api.uri("/v3/forwardtargets/patch/live/cam/srt1"))
                .method("PATCH", BodyPublishers.ofString("{\"enable\":false}")));
        assertThat(r.status()).isEqualTo(401);
        assertThat(control.calls).isEmpty();
        assertThat(get("/", basic(USER, PASS)).status()).isEqualTo(200);
    }

    @Test
    void aCorsPreflightNeedsNoCredentials() throws Exception {
        ApiTestClient.Res r = api.send(HttpRequest.newBuilder(api.uri("/v3/paths/list"))
                .method("OPTIONS", BodyPublishers.noBody()).header("Access-Control-Request-Method", "GET"));
        assertThat(r.status()).isEqualTo(204);
        assertThat(asked).isEmpty();
    }

    @Test
    void credentialsNeverReachTheLogs() throws Exception {
        get("/v3/paths/list?x=1", basic(USER, PASS));
        get("/v3/paths/list", basic(USER, "wrong-" + PASS));
        get("/v3/paths/list", "Bearer " + TOKEN);
        get("/v3/nothing", basic(USER, PASS));
        api.send(HttpRequest.newBuilder(api.uri("/v3/forwardtargets/add/live/cam"))
                .header("Authorization", basic(USER, PASS)).POST(BodyPublishers.ofString("{\"url\": 1")));
        assertThat(logs.list).extracting(ILoggingEvent::getLevel).contains(Level.WARN, Level.DEBUG);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).isNotEmpty()
                .noneMatch(m -> m.contains(USER) || m.contains(PASS) || m.contains(TOKEN));
    }
}
