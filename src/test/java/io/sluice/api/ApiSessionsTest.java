package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.FakeControl;
import io.sluice.control.SessionInfo;
import io.sluice.net.webrtc.IcePair;
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

    /**
     * A WebRTC session shows its selected ICE pair with mediamtx's candidate field names; sessions of other
     * protocols, and a WebRTC one before ICE connected, have none of the three fields (the list test above
     * compares a whole RTMP item).
     */
    @Test
    void aWebrtcSessionShowsItsIcePair() throws Exception {
        control.sessions.add(new SessionInfo("s-web", "webrtc", "read", "live/cam", "10.0.0.8:50001", "",
                FakeControl.T0, 77));
        control.sessions.add(new SessionInfo("s-new", "webrtc", "read", "live/cam", "10.0.0.9:50002", "",
                FakeControl.T0, 0));
        control.icePairs.put("s-web", new IcePair("relay", "127.0.0.1:8189", "127.0.0.1:49160"));
        JsonNode j = api.get("/v3/webrtcsessions/get/s-web").json();
        assertThat(j.get("iceTransport").asString()).isEqualTo("relay");
        assertThat(j.get("localCandidate").asString()).isEqualTo("127.0.0.1:8189");
        assertThat(j.get("remoteCandidate").asString()).isEqualTo("127.0.0.1:49160");
        JsonNode list = api.get("/v3/sessions/list?protocol=webrtc").json().get("items");
        assertThat(list.get(0).get("iceTransport").asString()).isEqualTo("relay");
        assertThat(list.get(1).has("iceTransport")).as(list.get(1).toString()).isFalse();
        assertThat(list.get(1).has("localCandidate")).isFalse();
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
