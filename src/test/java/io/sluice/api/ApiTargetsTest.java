package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.FakeControl;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.net.webrtc.IcePair;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiTargetsTest {
    /** "~^cam[0-9]+$" as a client encodes it, the whole entry one segment. */
    static final String REGEX_ENTRY = "~%5Ecam%5B0-9%5D%2B%24";

    private final FakeControl control = FakeControl.sample();
    @RegisterExtension
    final ApiTestClient api = new ApiTestClient(control);

    @Test
    void listsEveryTargetWithAllItsFigures() throws Exception {
        JsonNode j = api.get("/v3/forwardtargets/list").json();
        assertThat(j.get("itemCount").asInt()).isEqualTo(3);
        assertThat(j.get("items").get(0)).isEqualTo(ApiTestClient.JSON.readTree("""
                {"id":"srt1","path":"live/cam","url":"srt://***@relay.example:9000?streamid=x","protocol":"srt",
                 "state":"forwarding","since":"2026-01-02T03:04:05Z","lastError":"","bytes":98765,"packets":800,
                 "dropped":3,"reconnects":1,"nextRetry":null,
                 "tracks":[{"media":0,"codec":"H264","forwarded":true,"reason":""},
                           {"media":1,"codec":"Opus","forwarded":false,"reason":"MPEG-TS over SRT carries no Opus here"}],
                 "link":{"rttMs":12.5,"lossPercent":0.25},"group":"","when":"","waiting":"",
                 "bridgedGaps":0}
                """));
        JsonNode backoff = j.get("items").get(1);
        assertThat(backoff.get("state").asString()).isEqualTo("backoff");
        assertThat(backoff.get("nextRetry").asString()).isEqualTo("2026-01-02T03:04:35Z");
        assertThat(backoff.get("lastError").asString()).contains("connection refused");
        assertThat(j.get("items").get(2).get("group").asString()).isEqualTo("backup");
    }

    /** A WHIP target's link shows its ICE pair's strings beside the figures, all in name order. */
    @Test
    void aWhipTargetsLinkShowsItsIcePair() throws Exception {
        control.put("live/cam", new DestStats("whip1", "whip://10.0.0.3:8889/live/whip", "whip",
                DestState.FORWARDING, FakeControl.T0, 1000, 10, 0, 0, "", null, List.of(),
                Map.of("rttMs", 3, "estimateKbps", 2500), 0, new IcePair("tcp", "10.0.0.1:40000", "10.0.0.3:8189")),
                "", "", "");
        JsonNode link = api.get("/v3/forwardtargets/get/live%2Fcam/whip1").json().get("link");
        assertThat(link).isEqualTo(ApiTestClient.JSON.readTree("""
                {"estimateKbps":2500,"iceTransport":"tcp","localCandidate":"10.0.0.1:40000",
                 "remoteCandidate":"10.0.0.3:8189","rttMs":3}
                """));
        assertThat(ApiTestClient.JSON.writeValueAsString(link)).startsWith("{\"estimateKbps\"")
                .contains("\"iceTransport\":\"tcp\",\"localCandidate\"");
    }

    @Test
    void filtersByPathEntryGivenEncoded() throws Exception {
        JsonNode j = api.get("/v3/forwardtargets/list?path=" + REGEX_ENTRY).json();
        assertThat(j.get("itemCount").asInt()).isEqualTo(1);
        assertThat(j.get("items").get(0).get("id").asString()).isEqualTo("off");
        assertThat(api.get("/v3/forwardtargets/list?path=live/cam").json().get("itemCount").asInt()).isEqualTo(2);
    }

    @Test
    void getsOneTargetByPathAndId() throws Exception {
        assertThat(api.get("/v3/forwardtargets/get/live/cam/rtmp1").json().get("id").asString()).isEqualTo("rtmp1");
        // a '/' of the entry may come encoded or not: the id is the last segment either way
        assertThat(api.get("/v3/forwardtargets/get/live%2Fcam/srt1").json().get("id").asString()).isEqualTo("srt1");
        JsonNode off = api.get("/v3/forwardtargets/get/" + REGEX_ENTRY + "/off").json();
        assertThat(off.get("path").asString()).isEqualTo("~^cam[0-9]+$");
        assertThat(off.get("state").asString()).isEqualTo("disabled");
        assertThat(off.get("when").asString()).isEqualTo("readers >= 1");
    }

    @Test
    void mediamtxsForwardRoutesAreAliases() throws Exception {
        assertThat(api.get("/v3/paths/forward/list").json()).isEqualTo(api.get("/v3/forwardtargets/list").json());
        assertThat(api.get("/v3/paths/forward/get/rtmp1").json().get("path").asString()).isEqualTo("live/cam");
        assertThat(api.get("/v3/paths/forward/get/live/cam/srt1").json().get("id").asString()).isEqualTo("srt1");
        ApiTestClient.Res none = api.get("/v3/paths/forward/get/nope");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("error").asString()).isEqualTo("no forward target 'nope'");
    }

    @Test
    void anUnknownTargetIs404NamingIt() throws Exception {
        ApiTestClient.Res r = api.get("/v3/forwardtargets/get/live/cam/nope");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asString()).isEqualTo("no forward target 'nope' in path entry 'live/cam'");
        assertThat(api.get("/v3/forwardtargets/get/live").status()).as("no id").isEqualTo(404);
    }

    @Test
    void addReturns201TheTargetAndWhereToGetIt() throws Exception {
        ApiTestClient.Res r = api.post("/v3/forwardtargets/add/" + REGEX_ENTRY,
                "{\"url\":\"rtmp://example.com/live/key\",\"enable\":false}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode t = r.json();
        assertThat(t.get("id").asString()).isEqualTo("t1");
        assertThat(t.get("path").asString()).isEqualTo("~^cam[0-9]+$");
        assertThat(t.get("state").asString()).isEqualTo("disabled");
        assertThat(r.header("location")).isEqualTo("/v3/forwardtargets/get/" + REGEX_ENTRY + "/t1");
        assertThat(api.get(r.header("location")).json()).isEqualTo(t);
        assertThat(control.calls).containsExactly(
                "addTarget ~^cam[0-9]+$ {url=rtmp://example.com/live/key, enable=false}");
    }

    @Test
    void anInvalidTargetIs400WithEveryProblem() throws Exception {
        ApiTestClient.Res r = api.post("/v3/forwardtargets/add/live/cam", "{\"enable\":true}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json()).isEqualTo(ApiTestClient.JSON.readTree("""
                {"status":400,"error":"paths.live/cam.forwardTargets[0].url: missing",
                 "problems":["paths.live/cam.forwardTargets[0].url: missing",
                             "paths.live/cam.forwardTargets[0]: a url is required"]}
                """));
    }

    @Test
    void patchChangesOneTargetAndReturnsIt() throws Exception {
        ApiTestClient.Res r = api.patch("/v3/forwardtargets/patch/live/cam/srt1", "{\"enable\": false}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("state").asString()).isEqualTo("disabled");
        assertThat(control.calls).containsExactly("patchTarget live/cam srt1 {enable=false}");
        r = api.patch("/v3/forwardtargets/patch/live/cam/srt1", "{\"url\": \"srt://other:9000\", \"enable\": true}");
        assertThat(r.json().get("url").asString()).isEqualTo("srt://other:9000");
        assertThat(r.json().get("state").asString()).isEqualTo("idle");
    }

    @Test
    void patchOfAnUnknownTargetIs404() throws Exception {
        ApiTestClient.Res r = api.patch("/v3/forwardtargets/patch/live/cam/nope", "{\"enable\": false}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("problems")).hasSize(1);
    }

    @Test
    void deleteReturnsAnEmptyObject() throws Exception {
        ApiTestClient.Res r = api.delete("/v3/forwardtargets/delete/live/cam/rtmp1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{}");
        assertThat(api.get("/v3/forwardtargets/get/live/cam/rtmp1").status()).isEqualTo(404);
        assertThat(api.delete("/v3/forwardtargets/delete/live/cam/rtmp1").status()).isEqualTo(404);
    }
}
