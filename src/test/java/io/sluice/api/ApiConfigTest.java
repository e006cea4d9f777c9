package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.FakeControl;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiConfigTest {
    private final FakeControl control = FakeControl.sample();
    @RegisterExtension
    final ApiTestClient api = new ApiTestClient(control);

    @Test
    void globalIsTheTopLevelWithoutPaths() throws Exception {
        JsonNode j = api.get("/v3/config/global/get").json();
        assertThat(j.get("apiAddress").asString()).isEqualTo("127.0.0.1:9997");
        assertThat(j.has("paths")).isFalse();
    }

    @Test
    void patchGlobalAppliesAndReturnsTheNewSettings() throws Exception {
        ApiTestClient.Res r = api.patch("/v3/config/global/patch", "{\"rtspAddress\": \":18554\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("rtspAddress").asString()).isEqualTo(":18554");
        assertThat(control.conf().rtsp().address()).isEqualTo(":18554");
    }

    @Test
    void anInvalidGlobalPatchIs400WithTheLoadersMessage() throws Exception {
        ApiTestClient.Res r = api.patch("/v3/config/global/patch", "{\"rtspAddress\": \"nope\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asString()).contains("rtspAddress").contains("nope");
        assertThat(control.conf().rtsp().address()).isEqualTo(":8554");
    }

    @Test
    void pathsAreNotAGlobalSetting() throws Exception {
        ApiTestClient.Res r = api.patch("/v3/config/global/patch", "{\"paths\": {}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asString()).startsWith("paths: not a global setting");
        assertThat(control.calls).isEmpty();
    }

    @Test
    void listsPathEntriesByNameWithSecretsMasked() throws Exception {
        JsonNode j = api.get("/v3/config/paths/list").json();
        assertThat(j.get("itemCount").asInt()).isEqualTo(3);
        JsonNode first = j.get("items").get(0);
        assertThat(first.get("name").asString()).isEqualTo("live/cam");
        assertThat(first.get("publishPass").asString()).isEqualTo("***");
        assertThat(j.get("items").get(1).get("name").asString()).isEqualTo("~^cam[0-9]+$");
    }

    @Test
    void getsAddsPatchesAndDeletesAPathEntry() throws Exception {
        assertThat(api.get("/v3/config/paths/get/live/cam").json().get("publishUser").asString()).isEqualTo("pub");
        assertThat(api.get("/v3/config/paths/get/live/other").status()).isEqualTo(404);

        ApiTestClient.Res added = api.post("/v3/config/paths/add/live/other", "{\"readUser\":\"r\",\"readPass\":\"p\"}");
        assertThat(added.status()).as(added.toString()).isEqualTo(200);
        assertThat(added.json().get("name").asString()).isEqualTo("live/other");
        assertThat(added.json().get("readPass").asString()).isEqualTo("***");
        assertThat(control.entryNames()).contains("live/other");

        ApiTestClient.Res patched = api.patch("/v3/config/paths/patch/live/other", "{\"readUser\":\"r2\"}");
        assertThat(patched.json().get("readUser").asString()).isEqualTo("r2");

        assertThat(api.post("/v3/config/paths/add/live/other", "{}").status()).as("exists").isEqualTo(409);
        assertThat(api.delete("/v3/config/paths/delete/live/other").body()).isEqualTo("{}");
        assertThat(api.delete("/v3/config/paths/delete/live/other").status()).isEqualTo(404);
        assertThat(control.calls).containsExactly("addPath live/other {readUser=r, readPass=p}",
                "patchPath live/other {readUser=r2}", "addPath live/other {}", "deletePath live/other",
                "deletePath live/other");
    }

    @Test
    void anInvalidPathEntryIs400WithEveryProblem() throws Exception {
        ApiTestClient.Res r = api.post("/v3/config/paths/add/bad%20name", "{\"bogus\": 1}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("problems").size()).isGreaterThanOrEqualTo(1);
        assertThat(r.json().get("error").asString()).isEqualTo(r.json().get("problems").get(0).asString());
    }

    @Test
    void aPathNameBreakingTheRuleIs400NamingTheCharacter() throws Exception {
        ApiTestClient.Res r = api.post("/v3/config/paths/add/cam%09one", "{}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asString())
                .contains("has a control character (U+0009) at offset 3; accepted: a name (A-Z a-z 0-9 _ - . / ~ :");
        ApiTestClient.Res nonAscii = api.post("/v3/config/paths/add/caf%C3%A9", "{}");
        assertThat(nonAscii.status()).isEqualTo(400);
        assertThat(nonAscii.json().get("error").asString()).contains("non-ASCII character");
        assertThat(api.post("/v3/config/paths/add/live/cam:1", "{\"maxReaders\": 3}").status())
                .as("':' is in mediamtx's set").isEqualTo(200);
        ApiTestClient.Res badMax = api.post("/v3/config/paths/add/live/cam2", "{\"maxReaders\": -1}");
        assertThat(badMax.status()).isEqualTo(400);
        assertThat(badMax.json().get("error").asString()).contains("maxReaders -1 out of range");
    }

    @Test
    void theWholeConfigAsJsonOrYaml() throws Exception {
        JsonNode j = api.get("/v3/config/get").json();
        assertThat(j.get("paths").get("live/cam").get("publishPass").asString()).isEqualTo("***");
        ApiTestClient.Res yaml = api.get("/v3/config/get?format=yaml");
        assertThat(yaml.header("content-type")).isEqualTo("application/yaml; charset=utf-8");
        assertThat(yaml.body()).contains("publishPass: \"***\"").doesNotContain("secret");
        ApiTestClient.Res bad = api.get("/v3/config/get?format=xml");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asString()).isEqualTo("unknown format 'xml': json or yaml");
    }

    @Test
    void saveNamesTheFileOrIsRefused() throws Exception {
        ApiTestClient.Res r = api.post("/v3/config/save", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("file").asString()).isEqualTo("/etc/sluice/sluice.yml");
        control.file = null;
        ApiTestClient.Res refused = api.post("/v3/config/save", "");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("error").asString()).contains("no file");
    }
}
