package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.FakeControl;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiSessionsTest {
    private final FakeControl control = FakeControl.sample();
    @RegisterExtension
    final ApiTestClient api = new ApiTestClient(control);

    @Test
    void listsPublishersAndReadersOfEveryProtocol() throws Exception {
        JsonNode j = api.get("/v3/sessions/list").json();
        assertThat(j.get("itemCount").asInt()).isEqualTo(3);
        assertThat(j.get("items").get(1)).isEqualTo(ApiTestClient.JSON.readTree("""
                {"type":"rtmpConn","id":"s-read","protocol":"rtmp","state":"read","path":"live/cam","remoteAddr":"10.0.0.6:50000",
                 "user":"","created":"2026-01-02T03:04:05Z","bytesReceived":0,"bytesSent":4096}
                """));
    }

    @Test
    void filtersByProtocolAndRefusesAnUnknownOne() throws Exception {
        JsonNode j = api.get("/v3/sessions/list?protocol=srt").json();
        assertThat(j.get("itemCount").asInt()).isEqualTo(1);
        assertThat(j.get("items").get(0).get("id").asString()).isEqualTo("s-srt");
        ApiTestClient.Res bad = api.get("/v3/sessions/list?protocol=rstp");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asString())
                .isEqualTo("unknown protocol 'rstp': one of rtsp, rtsps, rtmp, rtmps, srt, webrtc");
    }

    @ParameterizedTest
    @CsvSource({"rtspsessions,s-pub", "rtmpconns,s-read", "srtconns,s-srt"})
    void mediamtxResourcesShowTheirProtocolOnly(String resource, String id) throws Exception {
        JsonNode j = api.get("/v3/" + resource + "/list").json();
        assertThat(j.get("itemCount").asInt()).isEqualTo(1);
        assertThat(j.get("items").get(0).get("id").asString()).isEqualTo(id);
        assertThat(api.get("/v3/" + resource + "/get/" + id).status()).isEqualTo(200);
    }

    @Test
    void emptyProtocolsListNothing() throws Exception {
        for (String r : new String[] {"rtspssessions", "rtmpsconns", "webrtcsessions"}) {
            assertThat(api.get("/v3/" + r + "/list").json().get("itemCount").asInt()).as(r).isZero();
        }
    }

    @Test
    void kicksASession() throws Exception {
        ApiTestClient.Res r = api.post("/v3/sessions/kick/s-read", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{}");
        assertThat(control.calls).containsExactly("kick s-read");
        assertThat(api.post("/v3/sessions/kick/s-read", "").status()).isEqualTo(404);
    }

    @Test
    void aProtocolResourceKicksOnlyItsOwnSessions() throws Exception {
        ApiTestClient.Res r = api.post("/v3/rtspsessions/kick/s-read", "");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asString()).isEqualTo("no rtsp session 's-read'");
        assertThat(control.calls).isEmpty();
        assertThat(api.post("/v3/rtmpconns/kick/s-read", "").status()).isEqualTo(200);
        assertThat(control.calls).containsExactly("kick s-read");
    }
}
