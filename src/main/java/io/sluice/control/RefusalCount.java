package io.sluice.control;

/**
 * How many connections, requests or sessions of one protocol were refused for one cause since start
 * (a limit or the path-name rule; see the README's "Reliability and security").
 *
 * @param protocol "rtsp", "rtmp", "srt", "webrtc", "api", "metrics", ...
 * @param cause the cause's label ("ip_connections", "handshake_timeout", "bad_path_name", ...)
 */
public record RefusalCount(String protocol, String cause, long count) {
}
