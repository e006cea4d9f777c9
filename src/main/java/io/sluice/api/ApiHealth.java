package io.sluice.api;

import io.sluice.conf.Durations;
import io.sluice.control.Control;
import io.sluice.control.ReadinessInfo;
import io.sluice.control.ServerInfo;
import io.sluice.net.http.HttpReply;
import java.time.Duration;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * ApiHealth answers mediamtx's {@code GET /v3/info} (version, started; Sluice adds the uptime) and the
 * probes a load balancer or Kubernetes sends, which mediamtx has no routes for: {@code /v3/health/live}
 * (200 while the process answers HTTP) and {@code /v3/health/ready} (200 once every enabled listener is
 * bound, 503 while starting, stopping or with a listener down, naming what is not ready).
 *
 * <p>Like every route of mediamtx's API, they need the {@code api} permission: the stock authInternalUsers
 * grants it to any user from 127.0.0.1 and ::1, so a probe from elsewhere needs an {@code ips} entry or
 * credentials (Kubernetes: {@code httpGet.httpHeaders} with an Authorization header).
 */
final class ApiHealth {
    static final String INFO = "/v3/info";
    static final String LIVE = "/v3/health/live";
    static final String READY = "/v3/health/ready";

    private final Control control;
    private final InstantSource clock;

    ApiHealth(Control control, InstantSource clock) {
        this.control = control;
        this.clock = clock;
    }

    List<ApiRoute> routes() {
        return List.of(ApiRoute.get(INFO, ApiRoute.Tail.NONE, c -> info()),
                ApiRoute.get(LIVE, ApiRoute.Tail.NONE, c -> ApiJson.ok(new Live("ok"))),
                ApiRoute.get(READY, ApiRoute.Tail.NONE, c -> ready()));
    }

    /** mediamtx's fields (version, started in RFC 3339), then the uptime as a duration ("3h12m5s"). */
    record Info(String version, String started, String uptime) {
    }

    record Live(String status) {
    }

    /** @param notReady what is not ready, empty when ready */
    record Ready(String status, String state, List<String> notReady) {
    }

    private HttpReply info() {
        ServerInfo i = control.info();
        Duration up = Duration.between(i.started(), clock.instant()).truncatedTo(ChronoUnit.SECONDS);
        return ApiJson.ok(new Info(i.version(), i.started().toString(), Durations.format(up.isNegative()
                ? Duration.ZERO : up)));
    }

    private HttpReply ready() {
        ReadinessInfo r = control.readiness();
        return r.ready() ? ApiJson.ok(new Ready("ready", r.state(), List.of()))
                : ApiJson.reply(503, new Ready("not ready", r.state(), r.notReady()));
    }
}
