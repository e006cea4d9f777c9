package io.sluice.api;

import static io.sluice.api.ApiRoute.Tail.ID;
import static io.sluice.api.ApiRoute.Tail.NAME;
import static io.sluice.api.ApiRoute.Tail.NAME_ID;
import static io.sluice.api.ApiRoute.Tail.NONE;

import io.sluice.control.Control;
import io.sluice.control.Control.TargetInfo;
import io.sluice.control.ControlException;
import io.sluice.forward.DestStats;
import io.sluice.forward.TrackStatus;
import io.sluice.net.http.HttpReply;
import io.sluice.net.webrtc.IcePair;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * ApiTargets shows and changes forward targets by their stable ids: list, get, add, patch, delete under
 * {@code /v3/forwardtargets/}. A target's path entry may contain '/' (and, for a regex entry, anything
 * %-encoded); its id is always the last segment. mediamtx's {@code /v3/paths/forward/list} and
 * {@code /v3/paths/forward/get/ID} are aliases of list and get; there, an id alone finds the target when one
 * path entry has it (ids are unique only within an entry), and ENTRY/ID works as in get.
 */
final class ApiTargets {
    static final String PREFIX = "/v3/forwardtargets/";
    /** mediamtx's routes of forward targets. */
    static final String MEDIAMTX_PREFIX = "/v3/paths/forward/";

    /**
     * One target as the API shows it; every figure of {@link DestStats}, flattened.
     *
     * @param path the path entry it belongs to
     * @param url redacted
     * @param state lower case: idle, connecting, forwarding, bridging, backoff, failed, disabled
     * @param nextRetry null unless waiting to retry
     * @param link the protocol's own health figures (RTT, loss…), by name; for a WHIP target also its ICE
     *     pair of the current or last session: {@code iceTransport} ("udp", "tcp" or "relay"),
     *     {@code localCandidate} and {@code remoteCandidate} ("ip:port"), as a WebRTC session shows them
     * @param group failover group, "" when none
     * @param when its conditions as written, "" when none
     * @param waiting why it does not run although enabled, "" when it runs
     * @param bridgedGaps publisher reconnects the target carried on across (publisherGrace)
     */
    record TargetJson(String id, String path, String url, String protocol, String state, Instant since,
                      String lastError, long bytes, long packets, long dropped, long reconnects, Instant nextRetry,
                      List<TrackStatus> tracks, Map<String, Object> link, String group, String when,
                      String waiting, long bridgedGaps) {
        static TargetJson of(TargetInfo t) {
            DestStats s = t.stats();
            return new TargetJson(s.id(), t.path(), s.url(), s.protocol(), s.state().name().toLowerCase(Locale.ROOT),
                    s.since(), s.lastError(), s.bytes(), s.packets(), s.dropped(), s.reconnects(), s.nextRetry(),
                    s.tracks(), link(s), t.group(), t.when(), t.waiting(), s.bridgedGaps());
        }

        /** The figures, and the ICE pair's strings beside them, all by name in name order. */
        static Map<String, Object> link(DestStats s) {
            Map<String, Object> m = new TreeMap<>(s.link());
            IcePair ice = s.icePair();
            if (ice != null) {
                m.put("iceTransport", ice.transport());
                m.put("localCandidate", ice.localCandidate());
                m.put("remoteCandidate", ice.remoteCandidate());
            }
            return m;
        }
    }

    private final Control control;

    ApiTargets(Control control) {
        this.control = control;
    }

    List<ApiRoute> routes() {
        return List.of(
                ApiRoute.get(PREFIX + "list", NONE, this::list),
                ApiRoute.get(PREFIX + "get/", NAME_ID, this::get),
                ApiRoute.post(PREFIX + "add/", NAME, this::add),
                ApiRoute.patch(PREFIX + "patch/", NAME_ID, this::patch),
                ApiRoute.delete(PREFIX + "delete/", NAME_ID, this::delete),
                ApiRoute.get(MEDIAMTX_PREFIX + "list", NONE, this::list),
                ApiRoute.get(MEDIAMTX_PREFIX + "get/", ID, this::getById),
                ApiRoute.get(MEDIAMTX_PREFIX + "get/", NAME_ID, this::get));
    }

    private HttpReply list(ApiCall c) throws ApiException {
        Optional<String> entry = Optional.ofNullable(c.param("path")).filter(p -> !p.isEmpty());
        return ApiJson.ok(ApiList.of(control.targets(entry).stream().map(TargetJson::of).toList(), c));
    }

    private HttpReply get(ApiCall c) throws ApiException {
        TargetInfo t = control.target(c.name(), c.id()).orElseThrow(
                () -> new ApiException(404, "no forward target '" + c.id() + "' in path entry '" + c.name() + "'"));
        return ApiJson.ok(TargetJson.of(t));
    }

    /** mediamtx's get by id alone: the one target with that id, in whichever path entry. */
    private HttpReply getById(ApiCall c) throws ApiException {
        List<TargetInfo> found = control.targets(Optional.empty()).stream().filter(t -> t.stats().id().equals(c.id()))
                .toList();
        if (found.isEmpty()) {
            throw new ApiException(404, "no forward target '" + c.id() + "'");
        }
        List<String> entries = found.stream().map(TargetInfo::path).distinct().toList();
        if (entries.size() > 1) {
            throw new ApiException(409, "forward target id '" + c.id() + "' is in several paths " + entries
                    + ": ask for PATH/" + c.id());
        }
        return ApiJson.ok(TargetJson.of(found.getFirst()));
    }

    private HttpReply add(ApiCall c) throws ApiException, ControlException {
        TargetJson t = TargetJson.of(control.addTarget(c.name(), c.body()));
        return ApiJson.reply(201, t).with("Location", PREFIX + "get/" + encode(t.path()) + "/" + encode(t.id()));
    }

    private HttpReply patch(ApiCall c) throws ApiException, ControlException {
        return ApiJson.ok(TargetJson.of(control.patchTarget(c.name(), c.id(), c.body())));
    }

    private HttpReply delete(ApiCall c) throws ControlException {
        control.deleteTarget(c.name(), c.id());
        return ApiJson.ok(Map.of());
    }

    /** Encodes a whole name as one segment ('/' too), so the id stays the last segment; '~' is unreserved. */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%7E", "~");
    }
}
