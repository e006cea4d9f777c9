package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.FakeControl;
import io.sluice.control.PathInfo;
import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiPathsTest {
    private final FakeControl control = FakeControl.sample();
    @RegisterExtension
    final ApiTestClient api = new ApiTestClient(control);

    @Test
    void listsEveryPathInTheV3Envelope() throws Exception {
        ApiTestClient.Res r = api.get("/v3/paths/list");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/json; charset=utf-8");
        JsonNode j = r.json();
        assertThat(j.get("itemCount").asInt()).isEqualTo(2);
        assertThat(j.get("pageCount").asInt()).isEqualTo(1);
        assertThat(j.get("items").get(0).get("name").asString()).isEqualTo("live/cam");
        assertThat(j.get("items").get(1).get("name").asString()).isEqualTo("cam7");
    }

    @Test
    void getsOnePathWhoseNameHasASlash() throws Exception {
        ApiTestClient.Res r = api.get("/v3/paths/get/live/cam");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(ApiTestClient.JSON.readTree("""
                {"name":"live/cam","confName":"live/cam","ready":true,"awaitingPublisher":false,"readyTime":"2026-01-02T03:04:05Z",
                 "source":{"type":"rtspSession","id":"s-pub","protocol":"rtsp","state":"publish","path":"live/cam",
                           "remoteAddr":"10.0.0.5:40000","user":"pub","created":"2026-01-02T03:04:05Z",
                           "bytesReceived":123456,"bytesSent":0},
                 "tracks":[{"type":"video","codec":"H264","clockRate":90000},
                           {"type":"audio","codec":"Opus","clockRate":48000}],
                 "bytesReceived":123456,"packetsReceived":1000,"readers":2,"forwardTargets":["srt1","rtmp1"],
                 "gopCache":{"packets":0,"bytes":0,"durationMillis":0,"overflows":0},"pullSource":null,
                 "onDemand":null,"bitrateKbps":2048.5,"width":1280,"height":720,"fps":30.0}
                """));
    }

    @Test
    void aPathBroughtOnDemandShowsTheDemandsStateAndOthersShowNull() throws Exception {
        control.paths.add(new PathInfo("edge/cam", "~^(.+)$", false, null, null, List.of(), 0, 0, 0, List.of(),
                PathInfo.GopCacheInfo.NONE, false, null, "starting"));
        control.paths.add(new PathInfo("plain", "plain", false, null, null, List.of(), 0, 0, 0, List.of()));
        assertThat(api.get("/v3/paths/get/edge/cam").json().get("onDemand").asString()).isEqualTo("starting");
        assertThat(api.get("/v3/paths/get/plain").json().get("onDemand").isNull()).isTrue();
    }

    @Test
    void aPathThatPullsShowsItsSourceAsMediamtxDoesAndItsFiguresAsATargetsAre() throws Exception {
        control.paths.add(new PathInfo("cam", "cam", false, null, null, List.of(), 0, 0, 0, List.of(),
                PathInfo.GopCacheInfo.NONE, false, new SourceStats("rtspSource", "rtsp://***@10.0.0.9:554/s",
                        SourceState.BACKOFF, FakeControl.T0, 0, 0, 3, "connect 10.0.0.9:554: Connection refused",
                        FakeControl.T0.plusSeconds(8), List.of(), Map.of())));
        JsonNode j = api.get("/v3/paths/get/cam").json();
        assertThat(j.get("source")).isEqualTo(ApiTestClient.JSON.readTree("""
                {"type":"rtspSource","id":"","protocol":"rtspSource","state":"","path":"cam","remoteAddr":"",
                 "user":"","created":null,"bytesReceived":0,"bytesSent":0}
                """));
        assertThat(j.get("pullSource")).isEqualTo(ApiTestClient.JSON.readTree("""
                {"type":"rtspSource","url":"rtsp://***@10.0.0.9:554/s","state":"backoff",
                 "since":"2026-01-02T03:04:05Z","lastError":"connect 10.0.0.9:554: Connection refused",
                 "nextRetry":"2026-01-02T03:04:13Z","reconnects":3,"bytes":0,"packets":0,"tracks":[],"link":{}}
                """));
    }

    @Test
    void aPathWithoutPublisherHasNullSourceAndReadyTime() throws Exception {
        JsonNode j = api.get("/v3/paths/get/cam7").json();
        assertThat(j.get("source").isNull()).isTrue();
        assertThat(j.get("readyTime").isNull()).isTrue();
        assertThat(j.get("ready").asBoolean()).isFalse();
        assertThat(j.get("confName").asString()).isEqualTo("~^cam[0-9]+$");
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        ApiTestClient.Res r = api.get("/v3/paths/get/live/nope");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asString()).isEqualTo("no path 'live/nope'");
    }

    @Test
    void aNameBreakingThePathNameRuleIs400NamingTheCharacter() throws Exception {
        ApiTestClient.Res r = api.get("/v3/paths/get/live/a%0Ab");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asString())
                .startsWith("path name 'live/a\\u000ab' has a control character (U+000A) at offset 6; accepted:");
    }

    @Test
    void pagesLikeMediamtx() throws Exception {
        JsonNode j = api.get("/v3/paths/list?itemsPerPage=1&page=1").json();
        assertThat(j.get("itemCount").asInt()).isEqualTo(2);
        assertThat(j.get("pageCount").asInt()).isEqualTo(2);
        assertThat(j.get("items")).hasSize(1);
        assertThat(j.get("items").get(0).get("name").asString()).isEqualTo("cam7");
        assertThat(api.get("/v3/paths/list?itemsPerPage=1&page=5").json().get("items")).isEmpty();
        ApiTestClient.Res bad = api.get("/v3/paths/list?itemsPerPage=0");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asString()).isEqualTo("invalid itemsPerPage '0': an integer >= 1");
    }

    @Test
    void noPathsIsAnEmptyListOfNoPages() throws Exception {
        control.paths.clear();
        JsonNode j = api.get("/v3/paths/list").json();
        assertThat(j.get("itemCount").asInt()).isZero();
        assertThat(j.get("pageCount").asInt()).as("as mediamtx").isZero();
        assertThat(j.get("items")).isEmpty();
    }
}
