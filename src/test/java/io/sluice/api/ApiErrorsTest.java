package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.FakeControl;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/** Every refusal is JSON {status, error, problems}, with no stack trace. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiErrorsTest {
    private final FakeControl control = FakeControl.sample();
    @RegisterExtension
    final ApiTestClient api = new ApiTestClient(control);

    private static void assertError(ApiTestClient.Res r, int status, String error) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("content-type")).isEqualTo("application/json; charset=utf-8");
        JsonNode j = r.json();
        assertThat(j.get("status").asInt()).isEqualTo(status);
        assertThat(j.get("error").asString()).isEqualTo(error);
        assertThat(j.get("problems").get(0).asString()).isEqualTo(error);
    }

    @Test
    void anUnknownRouteIs404() throws Exception {
        assertError(api.get("/v3/nothing/here"), 404, "no route GET /v3/nothing/here");
        assertError(api.get("/v3/paths/list/"), 404, "no route GET /v3/paths/list/");
        assertError(api.get("/favicon.ico"), 404, "no route GET /favicon.ico");
    }

    @Test
    void aWrongMethodIs405NamingTheRightOne() throws Exception {
        ApiTestClient.Res r = api.delete("/v3/paths/list");
        assertError(r, 405, "method DELETE not allowed on /v3/paths/list; use GET");
        assertThat(r.header("allow")).isEqualTo("GET");
        assertThat(api.get("/v3/forwardtargets/add/live/cam").header("allow")).isEqualTo("POST");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"url\": |invalid JSON at line 1, column 8: Unexpected end-of-input",
        "{\"url\": rtmp://u:pw@h/x}|invalid JSON at line 1, column 9: Unrecognized token 'rtmp'",
        "{\"a\":1,\"a\":2}|invalid JSON at line 1, column 11: Duplicate Object property \"a\"",
        "{\"a\":1} {}|invalid JSON at line 1, column 9: more content after the JSON object"})
    void malformedJsonIs400NamingWhere(String body, String start) throws Exception {
        ApiTestClient.Res r = api.post("/v3/forwardtargets/add/live/cam", body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asString()).startsWith(start).doesNotContain("pw");
        assertThat(control.calls).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1, 2]|body must be a JSON object, got an array",
        "\"x\"|body must be a JSON object, got a string",
        "null|body must be a JSON object, got null",
        "''|body must be a JSON object, got an empty body"})
    void aBodyThatIsNotAnObjectIs400(String body, String error) throws Exception {
        assertError(api.patch("/v3/forwardtargets/patch/live/cam/srt1", body), 400, error);
        assertThat(control.calls).isEmpty();
    }

    @Test
    void aBadPercentEscapeIs400() throws Exception {
        assertError(api.get("/v3/paths/get/live%C3("), 400, "percent-encoded bytes of 'live%C3(' are not UTF-8");
    }

    @Test
    void aBodyOverOneMebibyteIs413() throws Exception {
        String big = "{\"url\":\"" + "x".repeat(1 << 20) + "\"}";
        assertError(api.post("/v3/forwardtargets/add/live/cam", big), 413, "body larger than 1048576 bytes");
    }

    @Test
    void anUnexpectedFailureIs500WithoutItsStack() throws Exception {
        control.failure = new IllegalStateException("internal detail at io.sluice.core.Secret");
        ApiTestClient.Res r = api.get("/v3/paths/list");
        assertError(r, 500, "internal error");
        assertThat(r.body()).doesNotContain("detail").doesNotContain("Secret");
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
    }

    @Test
    void optionsAnswersCorsPreflightLikeMediamtx() throws Exception {
        ApiTestClient.Res r = api.send(HttpRequest.newBuilder(api.uri("/v3/forwardtargets/patch/live/cam/srt1"))
                .method("OPTIONS", BodyPublishers.noBody()).header("Origin", "http://elsewhere")
                .header("Access-Control-Request-Method", "PATCH"));
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
        assertThat(r.header("access-control-allow-methods")).isEqualTo("OPTIONS, GET, POST, PATCH, DELETE");
        assertThat(r.header("access-control-allow-headers")).isEqualTo("Authorization, Content-Type");
        assertThat(api.get("/v3/paths/list").header("access-control-allow-origin")).isEqualTo("*");
    }
}
