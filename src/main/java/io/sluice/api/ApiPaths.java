package io.sluice.api;

import static io.sluice.api.ApiRoute.Tail.NAME;
import static io.sluice.api.ApiRoute.Tail.NONE;

import io.sluice.api.ApiSessions.SessionJson;
import io.sluice.conf.PathNameException;
import io.sluice.conf.PathNames;
import io.sluice.control.Control;
import io.sluice.control.PathInfo;
import io.sluice.control.PathInfo.TrackInfo;
import io.sluice.control.PathInfo.GopCacheInfo;
import io.sluice.net.http.HttpReply;
import java.time.Instant;
import java.util.List;

/** ApiPaths shows the paths that exist now: {@code /v3/paths/list} and {@code /v3/paths/get/{name}}. */
final class ApiPaths {

    /**
     * One path as the API shows it (mediamtx's names where it has the field).
     *
     * @param source the publisher's session, null when none
     * @param readers local reader sessions
     * @param forwardTargets the ids of its forward targets
     * @param gopCache what the GOP cache holds (packets, bytes, durationMillis) and overflows: GOPs past
     *     gopCacheMaxBytes or gopCacheMaxDuration, during which joining readers waited for a keyframe
     * @param awaitingPublisher not ready because the publisher left, but readers and targets are kept for a
     *     new publisher of the same stream (publisherGrace)
     */
    record PathJson(String name, String confName, boolean ready, Instant readyTime, SessionJson source,
                    List<TrackInfo> tracks, long bytesReceived, long packetsReceived, int readers,
                    List<String> forwardTargets, GopCacheInfo gopCache, boolean awaitingPublisher) {
        static PathJson of(PathInfo p) {
            return new PathJson(p.name(), p.confName(), p.ready(), p.readySince(),
                    p.source() == null ? null : SessionJson.of(p.source()), p.tracks(), p.bytesIn(), p.packetsIn(),
                    p.readers(), p.targets(), p.gopCache(), p.awaitingPublisher());
        }
    }

    private final Control control;

    ApiPaths(Control control) {
        this.control = control;
    }

    List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get("/v3/paths/list", NONE,
                        c -> ApiJson.ok(ApiList.of(control.paths().stream().map(PathJson::of).toList(), c))),
                ApiRoute.get("/v3/paths/get/", NAME, this::get));
    }

    /** A name breaking the path-name rule cannot be a path: 400 naming the character, not a 404. */
    private HttpReply get(ApiCall c) throws ApiException {
        try {
            PathNames.check(c.name());
        } catch (PathNameException e) {
            throw new ApiException(400, e.getMessage());
        }
        PathInfo p = control.path(c.name())
                .orElseThrow(() -> new ApiException(404, "no path '" + c.name() + "'"));
        return ApiJson.ok(PathJson.of(p));
    }
}
