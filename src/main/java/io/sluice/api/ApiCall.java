package io.sluice.api;

import io.sluice.net.http.HttpRequest;
import java.util.Map;

/**
 * ApiCall is a request matched to a route, with the parts the route captured from the path.
 *
 * @param name the decoded path name (or path entry), "" when the route has none
 * @param id the decoded target or session id, "" when the route has none
 */
record ApiCall(HttpRequest req, String name, String id) {

    /** The first value of a query parameter, or null. */
    String param(String key) {
        return req.param(key);
    }

    /** The body as a JSON object. */
    Map<String, Object> body() throws ApiException {
        return ApiJson.parseObject(req.body());
    }
}
