package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Paths whose source is down, as the API, the metrics and the log show them, and the refusal of publishers
 * (ffmpeg over RTSP and RTMP) on a path that pulls. One source's port refuses connections; the other's
 * accepts and never answers, so its source stays connecting until readTimeout and then backs off.
 */
@Timeout(180)
class SourceApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private String get(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private JsonNode path(SluiceUnderTest s, String name) throws Exception {
        return JSON.readTree(get(s.api() + "/v3/paths/get/" + name));
    }

    @Test
    void aSourceThatIsDownShowsItsStatesErrorsAndRetriesAndPublishersAreRefused() throws Exception {
        int refused = Ports.tcp(); // nothing listens there
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                LogCapture log = new LogCapture()) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofPlatform().daemon().name("it-silent-rtsp").start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // keeps them open and says nothing
                    }
                } catch (java.io.IOException e) {
                    return; // the test closed the socket: its end
                }
            });
            String yaml = """
                    readTimeout: 6s
                    paths:
                      cam:
                        source: rtsp://admin:camsecret@127.0.0.1:%d/stream
                        sourceReconnectDelay: 500ms
                        sourceReconnectMaxDelay: 1s
                      mute:
                        source: rtsp://127.0.0.1:%d/stream
                        sourceReconnectDelay: 20s
                    """.formatted(refused, silent.getLocalPort());
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
                // mute: connecting while the remote says nothing, then backoff when readTimeout ends the attempt
                Set<String> seen = new LinkedHashSet<>();
                assertThat(Wait.until(() -> {
                    seen.add(path(sluice, "mute").get("pullSource").get("state").asString());
                    return seen.contains("backoff");
                }, Duration.ofSeconds(20))).as("states seen: %s", seen).isTrue();
                assertThat(seen).as("states seen, in order").containsSubsequence("connecting", "backoff");
                JsonNode mute = path(sluice, "mute").get("pullSource");
                assertThat(mute.get("lastError").asString()).isNotEmpty();
                assertThat(Instant.parse(mute.get("nextRetry").asString())).isAfter(Instant.now().plusSeconds(10));

                // cam: the refused port, retried every 0.5..1 s
                assertThat(Wait.until(() -> path(sluice, "cam").get("pullSource").get("reconnects").asLong() >= 2,
                        Duration.ofSeconds(20))).as(path(sluice, "cam").toString()).isTrue();
                assertThat(Wait.until(() -> "backoff".equals(
                        path(sluice, "cam").get("pullSource").get("state").asString()), Duration.ofSeconds(10)))
                        .isTrue();
                JsonNode cam = path(sluice, "cam");
                JsonNode src = cam.get("pullSource");
                assertThat(cam.get("ready").asBoolean()).isFalse();
                assertThat(cam.get("source").get("type").asString()).isEqualTo("rtspSource");
                assertThat(src.get("type").asString()).isEqualTo("rtspSource");
                assertThat(src.get("url").asString()).isEqualTo("rtsp://***@127.0.0.1:" + refused + "/stream");
                assertThat(src.get("lastError").asString()).contains("127.0.0.1:" + refused)
                        .doesNotContain("camsecret");
                Instant nextRetry = Instant.parse(src.get("nextRetry").asString());
                assertThat(nextRetry).isBetween(Instant.now().minusSeconds(2), Instant.now().plusSeconds(2));
                assertThat(src.get("bytes").asLong()).isZero();

                String metrics = get(sluice.metrics());
                assertThat(metrics).contains("sluice_source_state{path=\"cam\",state=\"backoff\",type=\"rtspSource\"} 1.0")
                        .contains("sluice_source_up{path=\"cam\",type=\"rtspSource\"} 0.0")
                        .contains("sluice_source_state{path=\"mute\",state=\"backoff\",type=\"rtspSource\"} 1.0")
                        .containsPattern("sluice_source_reconnects_total\\{path=\"cam\",type=\"rtspSource\"} [1-9]")
                        .doesNotContain("camsecret");

                // publishers of a pulling path are refused, over RTSP and RTMP, with the reason logged
                try (Peer rtsp = FfmpegPeer.publishH264(sluice.rtsp("cam"), 3, false);
                        Peer rtmp = FfmpegPeer.publishRtmp(sluice.rtmp("cam"), 3)) {
                    assertThat(rtsp.await(Duration.ofSeconds(40))).as(rtsp.output()).isNotZero();
                    assertThat(rtmp.await(Duration.ofSeconds(40))).as(rtmp.output()).isNotZero();
                }
                // RTSP logs its refusals at INFO (as every 4xx it answers), RTMP at WARN
                List<String> refusals = new ArrayList<>(log.messages(Level.WARN, "takes its stream from its source"));
                refusals.addAll(log.messages(Level.INFO, "takes its stream from its source"));
                assertThat(refusals).as("refusals logged").anyMatch(m -> m.contains(".server.rtsp."))
                        .anyMatch(m -> m.contains(".server.rtmp."));
                assertThat(path(sluice, "cam").get("ready").asBoolean()).isFalse();
                assertThat(path(sluice, "cam").get("bytesReceived").asLong()).isZero();
            } finally {
                silent.close();
                acceptor.join(5000);
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
