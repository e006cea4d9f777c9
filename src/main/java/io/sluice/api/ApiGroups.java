package io.sluice.api;

import static io.sluice.api.ApiRoute.Tail.NONE;

import io.sluice.control.Control;
import io.sluice.forward.BalancedPool;
import io.sluice.net.http.HttpReply;
import java.util.List;

/**
 * ApiGroups shows the balanced forward groups under {@code GET /v3/forwardgroups/list}: per path entry and
 * group, each member's weight, the stream paths it forwards (so, read the other way, which member each path
 * uses) and their kbit/s, and until when a member that failed is skipped. Sluice's own route; mediamtx has no
 * balanced groups.
 */
final class ApiGroups {
    static final String PREFIX = "/v3/forwardgroups/";

    private final Control control;

    ApiGroups(Control control) {
        this.control = control;
    }

    List<ApiRoute> routes() {
        return List.of(ApiRoute.get(PREFIX + "list", NONE, this::list));
    }

    private HttpReply list(ApiCall c) throws ApiException {
        List<BalancedPool.PoolStats> pools = control.forwardGroups();
        return ApiJson.ok(ApiList.of(pools, c));
    }
}
