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
 */
public record SessionInfo(String id, String protocol, String role, String path, String remote, String user,
        Instant created, long bytes) {

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
