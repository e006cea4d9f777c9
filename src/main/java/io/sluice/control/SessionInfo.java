package io.sluice.control;

import java.time.Instant;

/**
 * SessionInfo is one publisher or reader session of a protocol server.
 *
 * @param id unique in the process, used to kick it
 * @param protocol "rtsp", "rtsps", "rtmp", "rtmps", "srt", "webrtc"
 * @param role "publish" or "read"
 * @param path the path name
 * @param remote the peer's address, "ip:port"
 * @param user the user name it authenticated with, "" when none
 * @param created when the session started publishing or reading
 * @param bytes bytes received (publish) or sent (read)
 * @param query the query string the client sent with the path, without the '?' ("" when none): mediamtx's
 *     MTX_QUERY. It may hold credentials (?token=...), so it is kept out of the API and of {@link #toString()}
 */
public record SessionInfo(String id, String protocol, String role, String path, String remote, String user,
        Instant created, long bytes, String query) {

    /** A session whose client sent no query. */
    public SessionInfo(String id, String protocol, String role, String path, String remote, String user,
            Instant created, long bytes) {
        this(id, protocol, role, path, remote, user, created, bytes, "");
    }

    /** Without the query's values, which may be credentials. */
    @Override
    public String toString() {
        return "SessionInfo[id=" + id + ", protocol=" + protocol + ", role=" + role + ", path=" + path + ", remote="
                + remote + ", user=" + user + ", created=" + created + ", bytes=" + bytes + ", query="
                + (query.isEmpty() ? "" : "***") + "]";
    }

    /**
     * mediamtx's type of a session of one protocol, as its API and hook variables name it: RTSP sessions, RTMP and
     * SRT connections, WebRTC sessions; a pull source's protocol ("rtspSource"...) is already its type.
     */
    public static String mediamtxType(String protocol) {
        return switch (protocol) {
            case "rtsp" -> "rtspSession";
            case "rtsps" -> "rtspsSession";
            case "rtmp" -> "rtmpConn";
            case "rtmps" -> "rtmpsConn";
            case "srt" -> "srtConn";
            case "webrtc" -> "webRTCSession";
            default -> protocol;
        };
    }
}
