package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.net.NetLoops;
import io.sluice.net.http.HttpListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** Every route and status of the WHIP/WHEP router on its HTTP listener, through a real HTTP client. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebrtcHttpRouterTest {
    static final String OFFER = "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
    static final String SDP = "application/sdp";
    static final String FRAG = "application/trickle-ice-sdpfrag";

    private final FakeWebrtcSessions fake = new FakeWebrtcSessions();
    private final Logger log = (Logger) LoggerFactory.getLogger("io.sluice.server.webrtc");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private NetLoops loops;
    private HttpListener server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        logs.start();
        log.addAppender(logs);
        loops = new NetLoops(1);
        server = fake.listener("127.0.0.1:0", loops);
        server.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        loops.close();
        log.detachAppender(logs);
    }

    HttpResponse<String> send(String method, String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), BodyHandlers.ofString());
    }

    static void assertCors(HttpResponse<?> res) {
        assertThat(res.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(res.headers().firstValue("Access-Control-Allow-Methods")).hasValue("OPTIONS, GET, POST, PATCH, DELETE");
        assertThat(res.headers().firstValue("Access-Control-Allow-Headers")).hasValue("Authorization, Content-Type, If-Match");
        assertThat(res.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Link, Location, ETag, Accept-Patch");
    }

    List<String> logged(Level level) {
        synchronized (logs) {
            return logs.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void whipPublishCreatesASession() throws Exception {
        var res = send("POST", "/live/cam1/whip", SDP, OFFER);
        assertThat(res.statusCode()).isEqualTo(201);
        assertThat(res.body()).isEqualTo(FakeWebrtcSessions.ANSWER);
        assertThat(res.headers().firstValue("Content-Type")).hasValue(SDP);
        assertThat(res.headers().firstValue("Location")).hasValue("/live/cam1/whip/s1");
        assertThat(res.headers().firstValue("ETag")).hasValue("\"e1\"");
        assertThat(res.headers().firstValue("Accept-Patch")).hasValue(FRAG);
        assertThat(res.headers().allValues("Link")).containsExactlyElementsOf(FakeWebrtcSessions.LINKS);
        assertCors(res);
        var call = fake.last();
        assertThat(call.method()).isEqualTo("publish");
        assertThat(call.path()).isEqualTo("live/cam1");
        assertThat(call.body()).isEqualTo(OFFER);
        assertThat(call.creds()).isEqualTo(WebrtcCredentials.NONE);
        assertThat(call.remote()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(call.thread()).startsWith("sluice-webrtc-http-");
        assertThat(logged(Level.INFO)).anyMatch(m -> m.contains("WHIP session s1 created on path 'live/cam1'"));
    }

    @Test
    void whepReadCreatesASessionWithoutEtag() throws Exception {
        fake.answer = new WebrtcAnswer("r-2", FakeWebrtcSessions.ANSWER, null);
        var res = send("POST", "/a/b/c/whep?x=1", "application/SDP; charset=utf-8", OFFER);
        assertThat(res.statusCode()).isEqualTo(201);
        assertThat(res.headers().firstValue("Location")).hasValue("/a/b/c/whep/r-2");
        assertThat(res.headers().firstValue("ETag")).isEmpty();
        assertThat(fake.last().method()).isEqualTo("read");
        assertThat(fake.last().path()).isEqualTo("a/b/c");
    }

    @Test
    void wrongOrMissingContentTypeIs415() throws Exception {
        assertThat(send("POST", "/cam/whip", "text/plain", OFFER).statusCode()).isEqualTo(415);
        assertThat(send("POST", "/cam/whep", null, OFFER).statusCode()).isEqualTo(415);
        assertThat(send("PATCH", "/cam/whep/s1", SDP, "a=x").statusCode()).isEqualTo(415);
        assertThat(fake.calls).isEmpty();
        assertThat(logged(Level.WARN)).anyMatch(m -> m.contains("415"));
    }

    @Test
    void emptyOfferIs400() throws Exception {
        var res = send("POST", "/cam/whip", SDP, " ");
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).contains("empty SDP offer");
    }

    @Test
    void oversizedBodyIs413AndTheConnectionStaysUsable() throws Exception {
        var res = send("POST", "/cam/whip", SDP, "a".repeat(io.sluice.conf.LimitsConf.DEFAULT.maxBodyBytes() + 1));
        assertThat(res.statusCode()).isEqualTo(413);
        assertCors(res);
        assertThat(fake.calls).isEmpty();
        assertThat(send("POST", "/cam/whip", SDP, "v".repeat(io.sluice.conf.LimitsConf.DEFAULT.maxBodyBytes())).statusCode()).isEqualTo(201);
    }

    @Test
    void patchTrickleOrRestart() throws Exception {
        var res = send("PATCH", "/live/cam1/whip/s1", FRAG, "a=ice-ufrag:x\r\n", "If-Match", "\"e1\"");
        assertThat(res.statusCode()).isEqualTo(204);
        assertCors(res);
        var call = fake.last();
        assertThat(call).extracting("method", "path", "sessionId", "body", "ifMatch")
                .containsExactly("patch", "live/cam1", "s1", "a=ice-ufrag:x\r\n", "\"e1\"");
        fake.patchReply = "a=ice-ufrag:y\r\n";
        res = send("PATCH", "/live/cam1/whep/s1", FRAG, "a=ice-ufrag:x\r\n");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("a=ice-ufrag:y\r\n");
        assertThat(res.headers().firstValue("Content-Type")).hasValue(FRAG);
        assertThat(fake.last().ifMatch()).isEmpty();
    }

    @Test
    void deleteEndsTheSession() throws Exception {
        var res = send("DELETE", "/live/cam1/whep/s1", null, null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertCors(res);
        assertThat(fake.last()).extracting("method", "path", "sessionId").containsExactly("delete", "live/cam1", "s1");
        assertThat(logged(Level.INFO)).anyMatch(m -> m.contains("WHEP session s1 deleted on path 'live/cam1'"));
    }

    @Test
    void optionsGivesCorsAndIceServers() throws Exception {
        var res = send("OPTIONS", "/live/cam1/whep", null, null);
        assertThat(res.statusCode()).isEqualTo(204);
        assertCors(res);
        assertThat(res.headers().allValues("Link")).containsExactlyElementsOf(FakeWebrtcSessions.LINKS);
        res = send("OPTIONS", "/live/cam1/whip/s1", null, null, "Origin", "http://elsewhere.example",
                "Access-Control-Request-Method", "DELETE");
        assertThat(res.statusCode()).isEqualTo(204);
        assertCors(res);
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        var res = send("GET", "/cam/whip", null, null);
        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(res.headers().firstValue("Allow")).hasValue("OPTIONS, POST");
        assertThat(send("PUT", "/cam/whep/s1", SDP, OFFER).headers().firstValue("Allow"))
                .hasValue("OPTIONS, PATCH, DELETE");
        res = send("POST", "/cam", SDP, OFFER);
        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(res.headers().firstValue("Allow")).hasValue("GET");
        assertThat(send("DELETE", "/", null, null).statusCode()).isEqualTo(405);
        assertThat(fake.calls).isEmpty();
    }

    @Test
    void unknownIs404AndBadNamesAre400() throws Exception {
        var res = send("GET", "/favicon.ico", null, null);
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(send("POST", "/whip", SDP, OFFER).statusCode()).isEqualTo(404);
        for (String bad : new String[] {"/live/../etc/whip", "/live/%2e%2e/x/whip", "/a%2fb/..%2f..%2fetc", "/a//b/whep",
                "/a%20b", "/a/whip/bad%21id"}) {
            assertThat(send("POST", bad, SDP, OFFER).statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(fake.calls).isEmpty();
    }

    @Test
    void theQueryAsSentReachesTheSessionLayer() throws Exception {
        // /cam/whip?x=1 as mediamtx takes it: the raw query, escapes and order kept (MTX_QUERY)
        send("POST", "/live/cam/whip?x=1&token=t%2Bk&a=", SDP, OFFER);
        assertThat(fake.last().path()).isEqualTo("live/cam");
        assertThat(fake.lastQuery).isEqualTo("x=1&token=t%2Bk&a=");
        send("POST", "/cam/whep?b=2", SDP, OFFER);
        assertThat(fake.last().method()).isEqualTo("read");
        assertThat(fake.lastQuery).isEqualTo("b=2");
        send("POST", "/cam/whep", SDP, OFFER);
        assertThat(fake.lastQuery).isEmpty();
    }

    @Test
    void credentialsFromHeaderOrQuery() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        send("POST", "/cam/whip", SDP, OFFER, "Authorization", basic);
        assertThat(fake.last().creds()).isEqualTo(new WebrtcCredentials("alice", "s3cret", ""));
        send("POST", "/cam/whep", SDP, OFFER, "Authorization", "Bearer tok1");
        assertThat(fake.last().creds()).isEqualTo(new WebrtcCredentials("", "tok1", "tok1"));
        send("POST", "/cam/whep?user=bob&pass=p%26w", SDP, OFFER);
        assertThat(fake.last().creds()).isEqualTo(new WebrtcCredentials("bob", "p&w", ""));
        send("POST", "/cam/whip?token=tok2", SDP, OFFER);
        assertThat(fake.last().creds()).isEqualTo(new WebrtcCredentials("", "tok2", "tok2"));
        assertThat(send("POST", "/cam/whip", SDP, OFFER, "Authorization", "Basic ???").statusCode()).isEqualTo(400);
    }

    @Test
    void sessionRefusalsKeepTheirStatusAndReason() throws Exception {
        fake.refuse = new WebrtcHttpException(401, "authentication failed");
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        var res = send("POST", "/cam/whip?pass=qs3cret", SDP, OFFER, "Authorization", basic);
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.body()).isEqualTo("authentication failed\n");
        assertThat(res.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"sluice\"");
        assertCors(res);
        for (int status : new int[] {400, 404, 406, 409}) {
            fake.refuse = new WebrtcHttpException(status, "reason " + status);
            res = send("POST", "/cam/whep", SDP, OFFER);
            assertThat(res.statusCode()).isEqualTo(status);
            assertThat(res.body()).isEqualTo("reason " + status + "\n");
            assertThat(res.headers().firstValue("WWW-Authenticate")).isEmpty();
        }
        assertThat(logged(Level.WARN)).anyMatch(m -> m.contains("401 authentication failed"))
                .anyMatch(m -> m.contains("409 reason 409")).noneMatch(m -> m.contains("s3cret"));
    }

    @Test
    void unexpectedFailuresAre500WithoutDetails() throws Exception {
        fake.crash = new IllegalStateException("secret internals");
        var res = send("POST", "/cam/whip", SDP, OFFER);
        assertThat(res.statusCode()).isEqualTo(500);
        assertThat(res.body()).isEqualTo("internal error\n");
        synchronized (logs) {
            assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.ERROR && e.getThrowableProxy() != null
                    && e.getThrowableProxy().getMessage().equals("secret internals"));
        }
        fake.crash = null;
        fake.refuse = new WebrtcHttpException(302, "not an error status");
        assertThat(send("DELETE", "/cam/whip/s1", null, null).statusCode()).isEqualTo(500);
        fake.refuse = null;
        fake.answer = new WebrtcAnswer("bad/id", "v=0", null);
        assertThat(send("POST", "/cam/whip", SDP, OFFER).statusCode()).isEqualTo(500);
    }

    @Test
    void pagesAreServed() throws Exception {
        var res = send("GET", "/", null, null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(res.body()).contains("/&lt;path&gt;/publish", "/&lt;path&gt;/whep");
        res = send("GET", "/live/cam1?token=x", null, null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(res.body()).isEqualTo(WebrtcPages.READ)
                .contains("<video id=\"video\" autoplay muted playsinline", "+ '/whep'", "setTimeout(start, 2000)",
                        "iceGatheringState", "'Bearer '", "'Basic '", "<div id=\"status\">loading</div>")
                .doesNotContain("<script src", "http://", "https://");
        res = send("GET", "/live/cam1/publish/", null, null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(WebrtcPages.PUBLISH)
                .contains("getUserMedia", "setCodecPreferences", "video/h264", "+ '/whip'", "iceGatheringState",
                        "<span id=\"status\">loading</span>", "id=\"toggle\">Stop")
                .doesNotContain("<script src", "http://", "https://");
    }
}
