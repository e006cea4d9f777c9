package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Credentials never leave Sluice (issue #15): a config with a distinct secret in every place one can be
 * written (authInternalUsers, a path's publish/read user and SRT passphrases, forward targets' URL userinfo,
 * {@code ?pass=}, {@code passphrase=}, {@code token=}, the username/password and srtConfig fields, a TURN
 * server), third-party peers that publish with right and wrong credentials (ffmpeg over RTSP, RTMP and SRT),
 * targets that reach real sinks (nginx-rtmp, ffmpeg's RTSP listener) and targets that fail (refused
 * connection, refused authentication, wrong SRT passphrase) and retry, a hot reload that changes a secret,
 * a reload that is refused, API calls that are refused. Then every GET of the API, the status page and
 * /metrics are read, and everything Sluice logged (all loggers, all levels, exceptions and their causes).
 * No secret may appear anywhere; the masked forms ({@code ***}) must, so the output stays useful. Hook
 * command lines and output are logged through the same masking (HookProcessTest); this test runs no hook.
 */
@Timeout(300)
class CredentialLeakIT {
    static final int SECONDS = 40;
    /** Every secret of the test, by where it was written; each one distinct so a leak names its source. */
    static final Map<String, String> SECRETS = new LinkedHashMap<>();
    static final String USER_PASS = secret("authInternalUsers pass (RTSP publisher)", "S3cr3t-user-1");
    static final String RTMP_USER_PASS = secret("authInternalUsers pass (RTMP publisher)", "S3cr3t-user-2");
    static final String API_PASS = secret("authInternalUsers pass (API user)", "S3cr3t-user-3");
    static final String PATH_PUB = secret("path publishPass", "S3cr3t-pathpub-1");
    static final String PATH_READ = secret("path readPass", "S3cr3t-pathread-1");
    static final String SRT_PUB = secret("path srtPublishPassphrase", "S3cr3t-srtpub-1");
    static final String SRT_READ = secret("path srtReadPassphrase", "S3cr3t-srtread-1");
    static final String RTMP_T1 = secret("rtmp target userinfo (nginx-rtmp)", "S3cr3t-rtmp-1");
    static final String RTMP_T2 = secret("rtmp target ?pass= (refused connection)", "S3cr3t-rtmp-2");
    static final String RTMP_T3 = secret("rtmp target password field (refused auth)", "S3cr3t-rtmp-3");
    static final String RTSP_T1 = secret("rtsp target userinfo (ffmpeg listen sink)", "S3cr3t-rtsp-1");
    static final String RTSP_T2 = secret("rtsp target userinfo (refused auth)", "S3cr3t-rtsp-2");
    static final String SRT_T1 = secret("srt target passphrase= (sink without one)", "S3cr3t-srt-1");
    static final String SRT_T2 = secret("srt target srtConfig.passphrase (wrong)", "S3cr3t-srt-2");
    static final String WHIP_T1 = secret("whip target token= (refused connection)", "S3cr3t-whip-1");
    static final String TURN = secret("webrtcICEServers TURN password", "S3cr3t-turn-1");
    static final String WRONG_RTSP = secret("wrong password of an RTSP publisher", "S3cr3t-wrong-1");
    static final String WRONG_RTMP = secret("wrong password of an RTMP publisher", "S3cr3t-wrong-2");
    static final String WRONG_SRT = secret("wrong passphrase of an SRT publisher", "S3cr3t-wrong-3");
    static final String RELOAD = secret("rtmp target password added by hot reload", "S3cr3t-reload-1");
    static final String RELOAD_BAD = secret("secret in a config that reload refuses", "S3cr3t-reload-2");
    static final String API_BAD = secret("secret in a refused API request", "S3cr3t-api-1");
    static final String API_ADD = secret("secret in a target added through the API", "S3cr3t-api-2");
    static final String API_GLOBAL = secret("secret in a refused global patch", "S3cr3t-api-3");
    static final String API_AUTH = secret("wrong Basic password of an API client", "S3cr3t-apiauth-1");
    static final String SID_TYPO = secret("password in an SRT stream id with a typo in its action", "S3cr3t-sid-1");
    static final String SID_SHORT = secret("password in an SRT stream id without a user", "S3cr3t-sid-2");
    static final String RTMP_URL = secret("password in an RTMP publisher's URL userinfo", "S3cr3t-rtmpurl-1");
    static final String RAW_URL = secret("password in an RTSP request URI's userinfo", "S3cr3t-raw-1");
    static final String RAW_QUERY = secret("pass= in an RTSP request URI's query", "S3cr3t-raw-2");
    static final String RAW_BASIC = secret("wrong password in an RTSP Basic Authorization", "S3cr3t-raw-3");
    static final String WHIP_QUERY = secret("pass= in a WHIP request's query", "S3cr3t-whipin-1");
    static final String WHIP_BEARER = secret("wrong WHIP Bearer token", "S3cr3t-whipin-2");
    static final String WHEP_BASIC = secret("wrong WHEP Basic password", "S3cr3t-whipin-3");
    /** The Basic forms sent on the wire: a leak of a header would show these, not the clear text. */
    static final String RAW_BASIC_B64 = secret("RTSP Basic credentials as sent", basic("viewer", RAW_BASIC));
    static final String WHEP_BASIC_B64 = secret("WHEP Basic credentials as sent", basic("viewer", WHEP_BASIC));
    static final String API_AUTH_B64 = secret("API Basic credentials as sent", basic("admin", API_AUTH));

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Every response body and header read from Sluice, labelled by request. */
    private final Map<String, String> seen = new LinkedHashMap<>();

    static String basic(String user, String pass) {
        return java.util.Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
    }

    static String secret(String where, String value) {
        SECRETS.put(value, where);
        return value;
    }

    @Test
    void noSecretInLogsApiMetricsOrStatusPage(@TempDir Path dir) throws Exception {
        int nginx = Ports.tcp();
        int rtspSink = Ports.tcp();
        int srtSink = Ports.udp();
        int dead = Ports.tcp();
        Path file = dir.resolve("sluice.yml");
        ListAppender<ILoggingEvent> log = captureAllLogs();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml(nginx, rtspSink, srtSink, dead, 0, 0, 0, ""), file);
                Peer rtmpSink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 20));
                Peer rtspSinkPeer = Peer.start("sink-rtsp.sh", Integer.toString(rtspSink), "live/b",
                        Integer.toString(SECONDS + 20));
                Peer srtSinkPeer = Peer.start("sink-srt.sh", Integer.toString(srtSink), Integer.toString(SECONDS + 20))) {
            // the self-targets need Sluice's own ports: write them in and reload (a hot reload that logs its diff)
            String full = yaml(nginx, rtspSink, srtSink, dead, sluice.rtspPort, sluice.rtmpPort, sluice.srtPort, "");
            rewrite(file, full);
            sluice.server().reloader().reloadFile();
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(rtmpSink.output()).isTrue();

            // refused first, on the very paths the right publishers use next: wrong passwords over RTSP (Digest),
            // RTMP (?user=&pass=) and SRT (passphrase), RTMP credentials in the URL's userinfo, SRT stream ids
            // that carry a password but are malformed
            try (Peer wrongRtsp = FfmpegPeer.publishH264(withUser(sluice.rtsp("live/a"), "pub", WRONG_RTSP), 3, false);
                    Peer wrongRtmp = FfmpegPeer.publishRtmp(sluice.rtmp("live/r") + "?user=rtmppub&pass=" + WRONG_RTMP, 3);
                    Peer userinfoRtmp = FfmpegPeer.publishRtmp(sluice.rtmp("live/r").replace("rtmp://",
                            "rtmp://rtmppub:" + RTMP_URL + "@"), 3);
                    Peer wrongSrt = publishSrt(sluice, "publish:prot/cam2", WRONG_SRT, 3);
                    Peer typoSid = publishSrt(sluice, "Publish:prot/cam:camuser:" + SID_TYPO, SRT_PUB, 3);
                    Peer shortSid = publishSrt(sluice, "publish:prot/cam:" + SID_SHORT, SRT_PUB, 3)) {
                for (Peer p : List.of(wrongRtsp, wrongRtmp, userinfoRtmp, wrongSrt, typoSid, shortSid)) {
                    p.await(Duration.ofSeconds(40));
                }
                assertThat(wrongRtsp.output()).contains("401");
            }
            for (String p : List.of("live/a", "live/r", "prot/cam", "prot/cam2")) {
                assertThat(AuthInternalUsersIT.stream(sluice, p)).as(p).isFalse();
            }
            // the RTSP dialog by hand: credentials in the request URI (userinfo and query) and a wrong Basic
            try (RawRtsp raw = new RawRtsp(sluice.rtspPort)) {
                String uri = "rtsp://viewer:" + RAW_URL + "@127.0.0.1:" + sluice.rtspPort + "/prot/cam?user=viewer&pass="
                        + RAW_QUERY;
                assertThat(raw.request("OPTIONS", uri, 1, null).status()).isEqualTo(200);
                assertThat(raw.request("DESCRIBE", uri, 2, null, "Authorization: Basic " + RAW_BASIC_B64).status())
                        .isIn(401, 404);
                assertThat(raw.request("ANNOUNCE", uri, 3, "v=0\r\n", "Content-Type: application/sdp",
                        "Authorization: Basic " + basic("camuser", RAW_BASIC)).status()).isIn(400, 401);
            }
            // WHIP and WHEP with wrong credentials in the query, a Bearer token and Basic
            HttpResponse<String> whip = call("POST", sluice.whip("prot/cam") + "?user=camuser&pass=" + WHIP_QUERY,
                    "v=0\r\n", "Content-Type", "application/sdp", "Authorization", "Bearer camuser:" + WHIP_BEARER);
            assertThat(whip.statusCode()).as(whip.body()).isIn(400, 401);
            HttpResponse<String> whep = call("POST", sluice.whep("prot/cam"), "v=0\r\n", "Content-Type",
                    "application/sdp", "Authorization", "Basic " + WHEP_BASIC_B64);
            assertThat(whep.statusCode()).as(whep.body()).isIn(400, 401, 404);
            // the API with a wrong Basic password (anonymous access is allowed, so either answer is fine)
            call("GET", sluice.api() + "/v3/paths/list", null, "Authorization", "Basic " + API_AUTH_B64);

            // publishers with the right credentials: RTSP (authInternalUsers), RTMP (?user=&pass=), SRT
            // (passphrase + the path entry's credentials in the stream id)
            try (Peer rtspPub = FfmpegPeer.publishH264(withUser(sluice.rtsp("live/a"), "pub", USER_PASS), SECONDS,
                            false);
                    Peer rtmpPub = FfmpegPeer.publishRtmp(sluice.rtmp("live/r") + "?user=rtmppub&pass="
                            + RTMP_USER_PASS, SECONDS);
                    Peer srtPub = publishSrt(sluice, "publish:prot/cam:camuser:" + PATH_PUB, SRT_PUB, SECONDS)) {
                AuthInternalUsersIT.awaitStream(sluice, "live/a", rtspPub);
                AuthInternalUsersIT.awaitStream(sluice, "live/r", rtmpPub);
                AuthInternalUsersIT.awaitStream(sluice, "prot/cam", srtPub);
                // a reader with the path entry's read credentials gets the stream
                try (Peer reader = FfmpegPeer.read(withUser(sluice.rtsp("prot/cam"), "viewer", PATH_READ), 4)) {
                    reader.await(Duration.ofSeconds(40));
                    assertThat(Integer.parseInt(reader.result("READ").get("frames"))).as(reader.output()).isPositive();
                }

                // the targets at real sinks forward; the others fail and retry
                assertThat(Wait.until(() -> "forwarding".equals(state(sluice, "live/a", "nginx")),
                        Duration.ofSeconds(20))).as(rtmpSink.output()).isTrue();
                assertThat(Wait.until(() -> "forwarding".equals(state(sluice, "live/a", "rtsp-sink")),
                        Duration.ofSeconds(20))).as(rtspSinkPeer.output()).isTrue();
                for (String failing : List.of("rtmp-dead", "rtmp-auth", "rtsp-auth", "srt-nopass", "srt-wrong",
                        "whip-dead")) {
                    assertThat(Wait.until(() -> reconnects(sluice, "live/a", failing) >= 1, Duration.ofSeconds(30)))
                            .as("target %s retried: %s", failing, get(sluice.api() + "/v3/forwardtargets/list"))
                            .isTrue();
                }

                // hot reload: a new target with a password (the diff is logged), then a config reload refuses
                rewrite(file, full.replace("# RELOAD", "- {id: reloaded, url: \"rtmp://127.0.0.1:%d/live/z\", "
                        .formatted(dead) + "username: ru, password: " + RELOAD + ", reconnectDelay: 500ms}"));
                sluice.server().reloader().reloadFile();
                assertThat(Wait.until(() -> state(sluice, "live/a", "reloaded") != null, Duration.ofSeconds(10)))
                        .isTrue();
                rewrite(file, full.replace("# RELOAD", "- {url: \"ftp://x:" + RELOAD_BAD + "@127.0.0.1/y\"}"));
                sluice.server().reloader().reloadFile();

                // API: refused requests that quote their input, a target added with a secret, a refused patch
                HttpResponse<String> bad = call("POST", sluice.api() + "/v3/forwardtargets/add/live/a",
                        "{\"url\": \"ftp://u:" + API_BAD + "@127.0.0.1/x\"}");
                assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
                HttpResponse<String> badSrt = call("POST", sluice.api() + "/v3/forwardtargets/add/live/a",
                        "{\"url\": \"srt://127.0.0.1:1/x?passphrase=" + API_BAD + "\"}");
                assertThat(badSrt.statusCode()).as(badSrt.body()).isEqualTo(400);
                HttpResponse<String> add = call("POST", sluice.api() + "/v3/forwardtargets/add/live/a",
                        "{\"id\": \"api\", \"url\": \"rtsp://apiuser:" + API_ADD + "@127.0.0.1:" + dead
                                + "/x\", \"reconnectDelay\": \"500ms\"}");
                assertThat(add.statusCode()).as(add.body()).isEqualTo(201);
                assertThat(JSON.readTree(add.body()).get("url").asString()).isEqualTo("rtsp://***@127.0.0.1:" + dead
                        + "/x");
                HttpResponse<String> badGlobal = call("PATCH", sluice.api() + "/v3/config/global/patch",
                        "{\"webrtcICEServers\": [\"turn:u:" + API_GLOBAL + "@@bad host\"]}");
                assertThat(badGlobal.statusCode()).as(badGlobal.body()).isEqualTo(400);
                HttpResponse<String> badPath = call("PATCH", sluice.api() + "/v3/config/paths/patch/live/a",
                        "{\"srtPublishPassphrase\": \"" + API_BAD + "-too-long-" + "x".repeat(80) + "\"}");
                assertThat(badPath.statusCode()).as(badPath.body()).isEqualTo(400);
                assertThat(Wait.until(() -> reconnects(sluice, "live/a", "api") >= 1, Duration.ofSeconds(20)))
                        .isTrue();

                // every GET of the API, with and without a trailing name, the status page and the metrics
                String api = sluice.api();
                for (String p : List.of("/v3/config/global/get", "/v3/config/paths/list", "/v3/config/paths/get/live/a",
                        "/v3/config/paths/get/prot/cam", "/v3/config/get", "/v3/paths/list", "/v3/paths/get/live/a",
                        "/v3/paths/get/live/r", "/v3/paths/get/prot/cam", "/v3/forwardtargets/list",
                        "/v3/forwardtargets/get/live/a/nginx", "/v3/forwardtargets/get/live/a/rtmp-auth",
                        "/v3/forwardtargets/get/live/a/rtsp-auth", "/v3/forwardtargets/get/live/a/srt-wrong",
                        "/v3/forwardtargets/get/live/a/whip-dead", "/v3/forwardtargets/get/live/a/reloaded",
                        "/v3/sessions/list", "/v3/rtspsessions/list", "/v3/rtmpconns/list", "/v3/srtconns/list",
                        "/v3/rtspssessions/list", "/v3/rtmpsconns/list", "/v3/webrtcsessions/list",
                        "/v3/paths/get/nope", "/v3/forwardtargets/get/live/a/nope", "/")) {
                    get(api + p);
                }
                for (JsonNode s : JSON.readTree(get(api + "/v3/sessions/list")).get("items")) {
                    get(api + "/v3/sessions/get/" + s.get("id").asString());
                }
                String metrics = get(sluice.metrics());

                // the masked forms are there, so the output still says what is configured
                String targets = seen.get("GET " + api + "/v3/forwardtargets/list");
                assertThat(targets).contains("rtmp://***@127.0.0.1:" + nginx + "/live/a1")
                        .contains("passphrase=***").contains("token=***");
                String global = seen.get("GET " + api + "/v3/config/global/get");
                assertThat(global).contains("***");
                assertThat(seen.get("GET " + api + "/v3/config/paths/get/prot/cam")).contains("\"publishUser\":\"camuser\"")
                        .contains("\"publishPass\":\"***\"");
                assertThat(metrics).contains("sluice_forward_target_state");
                List<String> logs = lines(log);
                assertThat(logs).anyMatch(l -> l.contains("***"));

                // and no secret anywhere
                List<String> leaks = new ArrayList<>();
                seen.forEach((what, text) -> SECRETS.forEach((s, where) -> {
                    if (text.contains(s)) {
                        leaks.add(where + " in " + what + ": " + excerpt(text, s));
                    }
                }));
                for (String l : logs) {
                    SECRETS.forEach((s, where) -> {
                        if (l.contains(s)) {
                            leaks.add(where + " in the log: " + excerpt(l, s));
                        }
                    });
                }
                assertThat(leaks).as("%d log lines, %d HTTP responses checked", logs.size(), seen.size()).isEmpty();
                assertThat(logs.size()).isGreaterThan(50);
            }
        } finally {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        }
    }

    /**
     * The config: RTSP publisher on live/a with 8 targets, RTMP publisher on live/r, SRT publisher on prot/cam
     * (path credentials). Ports 0 (before Sluice's own ports are known) point the self-targets nowhere.
     */
    static String yaml(int nginx, int rtspSink, int srtSink, int dead, int ownRtsp, int ownRtmp, int ownSrt,
            String extra) {
        return """
                webrtcICEServers: ["turn:turnuser:%s@127.0.0.1:3478"]
                authInternalUsers:
                  - user: pub
                    pass: %s
                    permissions: [{action: publish, path: live/a}]
                  - user: rtmppub
                    pass: %s
                    permissions: [{action: publish, path: live/r}]
                  - user: admin
                    pass: %s
                    permissions: [{action: api}]
                  - user: any
                    pass: ""
                    ips: [127.0.0.1]
                    permissions: [{action: read}, {action: api}, {action: metrics}, {action: playback}]
                paths:
                  prot/cam:
                    publishUser: camuser
                    publishPass: %s
                    readUser: viewer
                    readPass: %s
                    srtPublishPassphrase: %s
                    srtReadPassphrase: %s
                  prot/cam2:
                    srtPublishPassphrase: %s
                  live/r: {}
                  live/a:
                    forwardTargets:
                      - {id: nginx, url: "rtmp://fwduser:%s@127.0.0.1:%d/live/a1"}
                      - {id: rtsp-sink, url: "rtsp://fwduser:%s@127.0.0.1:%d/live/b", rtspConfig: {transport: tcp}}
                      - {id: srt-nopass, url: "srt://127.0.0.1:%d?streamid=publish:live/c&passphrase=%s", reconnectDelay: 500ms}
                      - {id: rtmp-dead, url: "rtmp://127.0.0.1:%d/live/x?user=u&pass=%s", reconnectDelay: 300ms}
                      - {id: rtsp-auth, url: "rtsp://camuser:%s@127.0.0.1:%d/prot/cam", reconnectDelay: 500ms}
                      - {id: rtmp-auth, url: "rtmp://127.0.0.1:%d/prot/cam", username: camuser, password: %s, reconnectDelay: 500ms}
                      - {id: srt-wrong, url: "srt://127.0.0.1:%d?streamid=publish:prot/cam2", srtConfig: {passphrase: %s}, reconnectDelay: 500ms}
                      - {id: whip-dead, url: "whip://127.0.0.1:%d/x/whip?token=%s", reconnectDelay: 300ms}
                      # RELOAD
                """.formatted(TURN, USER_PASS, RTMP_USER_PASS, API_PASS, PATH_PUB, PATH_READ, SRT_PUB, SRT_READ,
                SRT_PUB + "-b", RTMP_T1, nginx, RTSP_T1, rtspSink, srtSink, SRT_T1, dead, RTMP_T2, RTSP_T2,
                ownRtsp == 0 ? dead : ownRtsp, ownRtmp == 0 ? dead : ownRtmp, RTMP_T3, ownSrt == 0 ? 1 : ownSrt, SRT_T2,
                dead, WHIP_T1) + extra;
    }

    /** ffmpeg publishes H264 + AAC in MPEG-TS over SRT with a passphrase and a stream id. */
    static Peer publishSrt(SluiceUnderTest sluice, String streamId, String passphrase, int seconds) throws Exception {
        String url = sluice.srt() + "?pkt_size=1316&passphrase=" + passphrase + "&streamid=" + streamId;
        String script = """
                timeout -k 5 %d ffmpeg -hide_banner -nostdin -loglevel warning -re \
                  -f lavfi -i testsrc2=size=320x180:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t %d \
                  -map 0:v -map 1:a -c:v libx264 -profile:v baseline -preset ultrafast -tune zerolatency -g 30 \
                  -bf 0 -pix_fmt yuv420p -b:v 500k -c:a aac -b:a 64k -ac 1 -f mpegts "$1" 2>&1 | head -8
                echo "PUBLISHED proto=srt rc=${PIPESTATUS[0]}"
                """.formatted(seconds + 15, seconds);
        return Peer.command("ffmpeg-publish-srt", Map.of(), List.of("bash", "-c", script, "publish", url));
    }

    static String withUser(String url, String user, String pass) {
        return AuthInternalUsersIT.withUser(url, user, pass);
    }

    private static void rewrite(Path file, String yaml) throws Exception {
        String head = Files.readString(file);
        int paths = head.indexOf("webrtcICEServers:");
        Files.writeString(file, head.substring(0, paths) + yaml);
    }

    private static ListAppender<ILoggingEvent> captureAllLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.setContext(root.getLoggerContext());
        a.start();
        root.addAppender(a);
        return a;
    }

    /** Every event as logger + level + message + each throwable of the cause chain (class and message). */
    private static List<String> lines(ListAppender<ILoggingEvent> a) {
        List<String> out = new ArrayList<>();
        synchronized (a) {
            for (ILoggingEvent e : a.list) {
                StringBuilder sb = new StringBuilder(e.getLoggerName()).append(' ').append(e.getLevel()).append(' ')
                        .append(e.getFormattedMessage());
                for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                    sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
                    for (IThrowableProxy s : t.getSuppressed()) {
                        sb.append(" | suppressed ").append(s.getClassName()).append(": ").append(s.getMessage());
                    }
                }
                e.getMDCPropertyMap().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
                out.add(sb.toString());
            }
        }
        return out;
    }

    private String state(SluiceUnderTest s, String path, String id) throws Exception {
        HttpResponse<String> r = call("GET", s.api() + "/v3/forwardtargets/get/" + path + "/" + id, null);
        return r.statusCode() == 200 ? JSON.readTree(r.body()).get("state").asString() : null;
    }

    private long reconnects(SluiceUnderTest s, String path, String id) throws Exception {
        HttpResponse<String> r = call("GET", s.api() + "/v3/forwardtargets/get/" + path + "/" + id, null);
        if (r.statusCode() != 200) {
            return -1;
        }
        JsonNode t = JSON.readTree(r.body());
        // a target that never connected counts failures as retries: lastError set and state backoff
        return t.get("reconnects").asLong() + ("backoff".equals(t.get("state").asString()) ? 1 : 0);
    }

    private String get(String url) throws Exception {
        return call("GET", url, null).body();
    }

    private HttpResponse<String> call(String method, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        seen.put(method + " " + url, r.statusCode() + " " + r.headers().map() + "\n" + r.body());
        return r;
    }

    private static String excerpt(String text, String secret) {
        int i = text.indexOf(secret);
        return text.substring(Math.max(0, i - 120), Math.min(text.length(), i + secret.length() + 40));
    }
}
