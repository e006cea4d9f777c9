package io.sluice.api;

import static io.sluice.api.ApiRoute.Tail.ID;
import static io.sluice.api.ApiRoute.Tail.NONE;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.sluice.control.Control;
import io.sluice.control.SessionInfo;
import io.sluice.net.http.HttpReply;
import io.sluice.net.webrtc.IcePair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ApiSessions lists and kicks publisher and reader sessions: {@code /v3/sessions/…} for every protocol
 * (optionally {@code ?protocol=}), and mediamtx's per-protocol resources ({@code /v3/rtspsessions/…},
 * {@code /v3/rtmpconns/…}, …), each limited to its protocol.
 */
final class ApiSessions {
    /** mediamtx's resource names and the protocol each one shows. */
    static final Map<String, String> ALIASES = Map.of(
            "rtspsessions", "rtsp", "rtspssessions", "rtsps", "rtmpconns", "rtmp", "rtmpsconns", "rtmps",
            "srtconns", "srt", "webrtcsessions", "webrtc");
    static final List<String> PROTOCOLS = List.of("rtsp", "rtsps", "rtmp", "rtmps", "srt", "webrtc");

    /**
     * One session as the API shows it; mediamtx's field names, plus the protocol and role.
     *
     * @param type mediamtx's name of the session's kind, as its API shows a path's source: "rtspSession",
     *     "rtmpConn", "srtConn", "webRTCSession", or a pull source's ("rtspSource", ...)
     * @param state "publish" or "read" (mediamtx's state of a busy connection)
     * @param user the user name it authenticated with, "" when none; never the password
     * @param bytesReceived from a publisher, 0 for a reader
     * @param bytesSent to a reader, 0 for a publisher
     * @param iceTransport a WebRTC session's selected ICE pair: "udp", "tcp" (ICE-TCP) or "relay" (through a
     *     TURN server); absent for other protocols and before ICE connected, as are the two candidates
     * @param localCandidate Sluice's end of that pair, "ip:port" (mediamtx's field)
     * @param remoteCandidate the peer's end, "ip:port"; for "relay" the TURN server's relayed address
     */
    record SessionJson(String type, String id, String protocol, String state, String path, String remoteAddr,
                       String user, Instant created, long bytesReceived, long bytesSent,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String iceTransport,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String localCandidate,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String remoteCandidate) {
        static SessionJson of(SessionInfo s) {
            return of(s, null);
        }

        /** @param ice the session's selected ICE pair, null when it has none */
        static SessionJson of(SessionInfo s, IcePair ice) {
            boolean publish = "publish".equals(s.role());
            return new SessionJson(SessionInfo.mediamtxType(s.protocol()), s.id(), s.protocol(), s.role(), s.path(),
                    s.remote(), s.user(), s.created(), publish ? s.bytes() : 0, publish ? 0 : s.bytes(),
                    ice == null ? null : ice.transport(), ice == null ? null : ice.localCandidate(),
                    ice == null ? null : ice.remoteCandidate());
        }

        /** A path's pull source while it has no session: mediamtx's {type, id: ""}, no figures. */
        static SessionJson unconnected(String type, String path) {
            return new SessionJson(type, "", type, "", path, "", "", null, 0, 0, null, null, null);
        }
    }

    private final Control control;

    ApiSessions(Control control) {
        this.control = control;
    }

    List<ApiRoute> routes() {
        List<ApiRoute> r = new ArrayList<>();
        r.add(ApiRoute.get("/v3/sessions/list", NONE, c -> list(c, protocolParam(c))));
        r.add(ApiRoute.get("/v3/sessions/get/", ID, c -> get(c, Optional.empty())));
        r.add(ApiRoute.post("/v3/sessions/kick/", ID, c -> kick(c, Optional.empty())));
        ALIASES.forEach((resource, protocol) -> {
            Optional<String> only = Optional.of(protocol);
            r.add(ApiRoute.get("/v3/" + resource + "/list", NONE, c -> list(c, only)));
            r.add(ApiRoute.get("/v3/" + resource + "/get/", ID, c -> get(c, only)));
            r.add(ApiRoute.post("/v3/" + resource + "/kick/", ID, c -> kick(c, only)));
        });
        return r;
    }

    private static Optional<String> protocolParam(ApiCall c) throws ApiException {
        String p = c.param("protocol");
        if (p == null || p.isEmpty()) {
            return Optional.empty();
        }
        if (!PROTOCOLS.contains(p)) {
            throw new ApiException(400, "unknown protocol '" + p + "': one of " + String.join(", ", PROTOCOLS));
        }
        return Optional.of(p);
    }

    private HttpReply list(ApiCall c, Optional<String> protocol) throws ApiException {
        Map<String, IcePair> ice = control.icePairs();
        List<SessionJson> items = control.sessions().stream()
                .filter(s -> protocol.isEmpty() || protocol.get().equals(s.protocol()))
                .map(s -> SessionJson.of(s, ice.get(s.id()))).toList();
        return ApiJson.ok(ApiList.of(items, c));
    }

    private HttpReply get(ApiCall c, Optional<String> protocol) throws ApiException {
        SessionInfo s = find(c.id(), protocol);
        return ApiJson.ok(SessionJson.of(s, control.icePairs().get(s.id())));
    }

    /** Kicks through the control plane only a session this resource shows. */
    private HttpReply kick(ApiCall c, Optional<String> protocol) throws ApiException {
        find(c.id(), protocol);
        if (!control.kick(c.id())) { // it ended between the lookup and the kick
            throw notFound(c.id(), protocol);
        }
        return ApiJson.ok(Map.of());
    }

    private SessionInfo find(String id, Optional<String> protocol) throws ApiException {
        for (SessionInfo s : control.sessions()) {
            if (s.id().equals(id) && (protocol.isEmpty() || protocol.get().equals(s.protocol()))) {
                return s;
            }
        }
        throw notFound(id, protocol);
    }

    private static ApiException notFound(String id, Optional<String> protocol) {
        return new ApiException(404, "no " + protocol.map(p -> p + " ").orElse("") + "session '" + id + "'");
    }
}
