package io.sluice.hooks;

import io.sluice.conf.PathConf;
import io.sluice.control.SessionInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HookVariables builds the variables mediamtx gives its hooks: MTX_PATH, MTX_QUERY, G1, G2... and RTSP_PORT
 * for path hooks, MTX_SOURCE_TYPE/ID, MTX_READER_TYPE/ID and MTX_CONN_TYPE/ID with mediamtx's type names
 * (rtspSession, rtmpConn, srtConn, webRTCSession...) from the protocol labels of Sluice's session registry.
 * IDs are the session ids of Sluice's API (GET /v3/sessions, kick), as mediamtx's are those of its API.
 * MTX_QUERY is the query string the client sent with the path (without the '?'): the publisher's for the ready
 * hooks, the reader's for runOnRead/runOnUnread, the asking reader's for runOnDemand; "" for a pulled source.
 */
final class HookVariables {

    private HookVariables() {
    }

    /** MTX_PATH, MTX_QUERY, RTSP_PORT and the groups of a regex entry's match. */
    static Map<String, String> path(String path, PathConf entry, String rtspPort, String query) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("MTX_PATH", path);
        v.put("MTX_QUERY", query);
        v.put("RTSP_PORT", rtspPort);
        List<String> groups = entry.groupsOf(path);
        for (int i = 0; i < groups.size(); i++) {
            v.put("G" + (i + 1), groups.get(i) == null ? "" : groups.get(i));
        }
        return v;
    }

    /** RTSP_PORT and the connection's type and id (runOnConnect, runOnDisconnect). */
    static Map<String, String> conn(String protocol, String id, String rtspPort) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("MTX_CONN_TYPE", connType(protocol));
        v.put("MTX_CONN_ID", id);
        v.put("RTSP_PORT", rtspPort);
        return v;
    }

    /**
     * Whether a registered session is a client's (a protocol server's), not a pull source's ("rtspSource"...,
     * which Sluice opens itself): only a client's runs runOnConnect/runOnDisconnect, as in mediamtx.
     */
    static boolean isClient(String protocol) {
        return switch (protocol) {
            case "rtsp", "rtsps", "rtmp", "rtmps", "srt", "webrtc" -> true;
            default -> false;
        };
    }

    /** mediamtx's name of a client connection of one protocol (runOnConnect's MTX_CONN_TYPE). */
    static String connType(String protocol) {
        return switch (protocol) {
            case "rtsp" -> "rtspConn";
            case "rtsps" -> "rtspsConn";
            default -> SessionInfo.mediamtxType(protocol);
        };
    }

    /**
     * The source type of a publisher described as Sluice's paths describe it ("rtspSession 127.0.0.1:4000",
     * "webrtcSession ..."), for a stream whose publisher has no registered session (a pulled source).
     */
    static String typeOfDescription(String who) {
        String first = who == null ? "" : who.split(" ", 2)[0];
        return first.toLowerCase(Locale.ROOT).equals("webrtcsession") ? "webRTCSession" : first;
    }

    /** The port of a listen address ":8554", "127.0.0.1:8554", "[::1]:8554". */
    static String port(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(colon + 1);
    }
}
