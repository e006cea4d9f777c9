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
import io.sluice.control.SourceStats;
import io.sluice.net.http.HttpReply;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** ApiPaths shows the paths that exist now: {@code /v3/paths/list} and {@code /v3/paths/get/{name}}. */
final class ApiPaths {

    /**
     * One path as the API shows it (mediamtx's names where it has the field).
     *
     * @param source the publisher's session, null when none; for a path that pulls, mediamtx's
     *     {@code {type: rtspSource, id: ""}} even while its source is not connected
     * @param readers local reader sessions
     * @param forwardTargets the ids of its forward targets
     * @param gopCache what the GOP cache holds (packets, bytes, durationMillis) and overflows: GOPs past
     *     gopCacheMaxBytes or gopCacheMaxDuration, during which joining readers waited for a keyframe
     * @param awaitingPublisher not ready because the publisher left, but readers and targets are kept for a
     *     new publisher of the same stream (publisherGrace)
     * @param pullSource the figures of its pull source (Sluice's), null when the path waits for a publisher
     * @param onDemand idle, starting, ready or closing for a path whose stream is brought on demand
     *     (sourceOnDemand, runOnDemand), null otherwise
     * @param bitrateKbps incoming bitrate over the last 5 s (kbit/s of RTP payload), -1 while not known
     * @param width main video width from its SPS, 0 when not known
     * @param height main video height from its SPS, 0 when not known
     * @param fps main video frame rate (SPS timing, else measured), 0 when not known
     */
    record PathJson(String name, String confName, boolean ready, Instant readyTime, SessionJson source,
                    List<TrackInfo> tracks, long bytesReceived, long packetsReceived, int readers,
                    List<String> forwardTargets, GopCacheInfo gopCache, boolean awaitingPublisher,
                    SourceJson pullSource, String onDemand, double bitrateKbps, int width, int height, double fps) {
        static PathJson of(PathInfo p) {
            SessionJson source = p.source() != null ? SessionJson.of(p.source())
                    : p.pull() == null ? null : SessionJson.unconnected(p.pull().type(), p.name());
            return new PathJson(p.name(), p.confName(), p.ready(), p.readySince(), source, p.tracks(), p.bytesIn(),
                    p.packetsIn(), p.readers(), p.targets(), p.gopCache(), p.awaitingPublisher(),
                    p.pull() == null ? null : SourceJson.of(p.pull()), p.onDemand(), p.quality().bitrateKbps(),
                    p.quality().width(), p.quality().height(), p.quality().fps());
        }
    }

    /**
     * A path's pull source as the API shows it, with a forward target's field names.
     *
     * @param url redacted
     * @param state lower case: idle, connecting, ready, backoff
     * @param nextRetry null unless waiting to retry
     * @param bytes bytes received and published (all sessions)
     * @param tracks codecs of the current or last session
     * @param link the transport's own figures (RTT, loss, jitter), by name
     */
    record SourceJson(String type, String url, String state, Instant since, String lastError, Instant nextRetry,
                      long reconnects, long bytes, long packets, List<String> tracks, Map<String, Number> link) {
        static SourceJson of(SourceStats s) {
            return new SourceJson(s.type(), s.url(), s.state().name().toLowerCase(Locale.ROOT), s.since(),
                    s.lastError(), s.nextRetry(), s.reconnects(), s.bytes(), s.packets(), s.tracks(), s.link());
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
