package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.auth.Authorizer;
import io.sluice.conf.AuthAction;
import io.sluice.control.FakeControl;
import io.sluice.control.ReadinessInfo;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** GET /v3/info (mediamtx's fields) and the liveness and readiness probes. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiHealthTest {
    private final FakeControl control = FakeControl.sample();
    @RegisterExtension
    final ApiTestClient api = new ApiTestClient(control);

    @Test
    void infoHasMediamtxFieldsAndTheUptime() throws Exception {
        ApiTestClient.Res r = api.get("/v3/info");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("version").asString()).isEqualTo("1.2.3");
        assertThat(j.get("started").asString()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(Instant.parse(j.get("started").asString())).isEqualTo(FakeControl.T0);
        assertThat(j.get("uptime").asString()).matches("([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?");
    }

    @Test
    void liveWhileTheApiAnswers() throws Exception {
        ApiTestClient.Res r = api.get("/v3/health/live");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("ok");
    }

    @Test
    void readyIs200WhenRunningAnd503NamingWhatIsNotReady() throws Exception {
        ApiTestClient.Res ok = api.get("/v3/health/ready");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("state").asString()).isEqualTo("running");

        control.readiness = new ReadinessInfo("running", List.of("rtmp server not running (rtmpAddress :1935)"));
        ApiTestClient.Res down = api.get("/v3/health/ready");
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.json().get("status").asString()).isEqualTo("not ready");
        assertThat(down.json().get("notReady").get(0).asString())
                .isEqualTo("rtmp server not running (rtmpAddress :1935)");

        control.readiness = new ReadinessInfo("stopping", List.of("stopping"));
        assertThat(api.get("/v3/health/ready").status()).isEqualTo(503);
    }

    @Test
    void probesNeedTheApiPermissionLikeEveryRoute() throws Exception {
        Authorizer onlyWithCredentials = (action, path, user, pass, ip) ->
                action == AuthAction.API && user.equals("probe") && pass.equals("secret");
        try (ApiTestClient locked = new ApiTestClient(control, onlyWithCredentials)) {
            locked.start();
            for (String p : new String[] {"/v3/info", "/v3/health/live", "/v3/health/ready"}) {
                assertThat(locked.get(p).status()).as(p).isEqualTo(401);
            }
        }
    }
}
