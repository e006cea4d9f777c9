package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The HTTP API, metrics and status page of a real server: ffmpeg publishes over RTSP, nginx-rtmp receives
 * the targets (one stream key each). Targets are added, listed, changed and deleted over HTTP; the
 * metrics are parsed by the Prometheus client's own parser (python3-prometheus-client); the status page
 * is rendered by headless Chromium.
 */
@Timeout(240)
class ApiIT {
    static final int SECONDS = 35;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> call(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode target(SluiceUnderTest s, String id) throws Exception {
        HttpResponse<String> r = call("GET", s.api() + "/v3/forwardtargets/get/live/test/" + id, null);
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    private boolean await(SluiceUnderTest s, String id, String state, Duration max) throws Exception {
        return Wait.until(() -> {
            JsonNode t = target(s, id);
            return t != null && state.equals(t.get("state").asString());
        }, max);
    }

    @Test
    void targetsThroughHttpMetricsAndStatusPage(@TempDir Path dir) throws Exception {
        int nginx = Ports.tcp();
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: a
                        url: rtmp://127.0.0.1:%d/live/a
                        reconnectDelay: 300ms
                """.formatted(nginx);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml, dir.resolve("sluice.yml"));
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 10))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(SECONDS))) {
                assertThat(await(sluice, "a", "forwarding", Duration.ofSeconds(20))).as(pub.output()).isTrue();

                // add: 201, forwarding within a second (2 s of margin on CI)
                HttpResponse<String> add = call("POST", sluice.api() + "/v3/forwardtargets/add/live/test",
                        "{\"url\": \"rtmp://127.0.0.1:%d/live/b\", \"reconnectDelay\": \"300ms\"}".formatted(nginx));
                assertThat(add.statusCode()).as(add.body()).isEqualTo(201);
                String b = JSON.readTree(add.body()).get("id").asString();
                assertThat(await(sluice, b, "forwarding", Duration.ofSeconds(2))).isTrue();

                // list: both, redacted URLs, protocol, counters
                JsonNode list = JSON.readTree(call("GET", sluice.api() + "/v3/forwardtargets/list", null).body());
                assertThat(list.get("itemCount").asInt()).isEqualTo(2);
                assertThat(list.get("items").get(0).get("protocol").asString()).isEqualTo("rtmp");
                JsonNode path = JSON.readTree(call("GET", sluice.api() + "/v3/paths/get/live/test", null).body());
                assertThat(path.get("ready").asBoolean()).isTrue();
                assertThat(path.get("bytesReceived").asLong()).isPositive();

                // delete b: a's bytes keep growing, its session is untouched
                JsonNode a0 = target(sluice, "a");
                List<Long> bytes = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    if (i == 5) {
                        assertThat(call("DELETE", sluice.api() + "/v3/forwardtargets/delete/live/test/" + b, null)
                                .statusCode()).isEqualTo(200);
                    }
                    bytes.add(target(sluice, "a").get("bytes").asLong());
                    Thread.sleep(100);
                }
                for (int i = 5; i < bytes.size(); i++) {
                    assertThat(bytes.get(i)).as("bytes of a: %s", bytes).isGreaterThan(bytes.get(i - 5));
                }
                JsonNode a1 = target(sluice, "a");
                assertThat(a1.get("since").asString()).isEqualTo(a0.get("since").asString());
                assertThat(target(sluice, b)).isNull();

                // disable a through PATCH; a bad body names the field
                HttpResponse<String> patch = call("PATCH", sluice.api() + "/v3/forwardtargets/patch/live/test/a",
                        "{\"enable\": false}");
                assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
                assertThat(JSON.readTree(patch.body()).get("state").asString()).isEqualTo("disabled");
                HttpResponse<String> bad = call("POST", sluice.api() + "/v3/forwardtargets/add/live/test",
                        "{\"url\": \"ftp://x/y\"}");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(JSON.readTree(bad.body()).get("error").asString())
                        .startsWith("api: paths.live/test.forwardTargets[1].url:");

                // a path entry's config is that entry alone, secrets masked
                JsonNode entry = JSON.readTree(call("GET", sluice.api() + "/v3/config/paths/get/live/test", null)
                        .body());
                assertThat(entry.get("name").asString()).isEqualTo("live/test");
                assertThat(entry.get("forwardTargets").size()).isEqualTo(1);
                assertThat(entry.has("rtspAddress")).as(entry.toString()).isFalse();

                // the running config can be saved and reloads to the same targets
                assertThat(call("POST", sluice.api() + "/v3/config/save", null).statusCode()).isEqualTo(200);
                assertThat(Files.readString(dir.resolve("sluice.yml"))).contains("enable: false");

                // metrics: parsed by the Prometheus client's parser
                String metrics = call("GET", sluice.metrics(), null).body();
                assertThat(metrics).contains("sluice_forward_target_state{id=\"a\"");
                Path file = dir.resolve("metrics.txt");
                Files.writeString(file, metrics);
                Process py = new ProcessBuilder("timeout", "30", "/usr/bin/python3", "-c", """
                        import sys
                        from prometheus_client.parser import text_string_to_metric_families
                        fams = list(text_string_to_metric_families(open(sys.argv[1]).read()))
                        names = {f.name for f in fams}
                        assert 'sluice_path_publisher_up' in names, names
                        up = [s for f in fams for s in f.samples if s.name == 'sluice_path_publisher_up']
                        assert any(s.labels.get('path') == 'live/test' and s.value == 1 for s in up), up
                        print('PARSED', len(fams))
                        """, file.toString()).redirectErrorStream(true).start();
                assertThat(py.waitFor(40, TimeUnit.SECONDS)).isTrue();
                String out = new String(py.getInputStream().readAllBytes());
                assertThat(py.exitValue()).as(out).isZero();
                assertThat(out).contains("PARSED");

                // moving the API through the API: the reply comes back, then the API answers on the new port
                int newPort = Ports.tcp();
                HttpResponse<String> move = call("PATCH", sluice.api() + "/v3/config/global/patch",
                        "{\"apiAddress\": \"127.0.0.1:%d\"}".formatted(newPort));
                assertThat(move.statusCode()).as(move.body()).isEqualTo(200);
                Wait.until(() -> sluice.server().apiPort() == newPort, Duration.ofSeconds(5));
                assertThat(sluice.server().apiPort()).isEqualTo(newPort);
                assertThat(call("GET", sluice.api() + "/v3/paths/list", null).statusCode()).isEqualTo(200);

                // the status page of the real server, rendered by Chromium
                Path profile = Files.createDirectory(dir.resolve("chromium"));
                String dom = HeadlessChromium.dumpDom(sluice.api() + "/", profile, Duration.ofSeconds(5));
                assertThat(dom).contains("live/test").contains("disabled");
            }
        }
    }
}
