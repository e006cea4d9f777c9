package io.sluice.server.rtsp;

import io.sluice.protocol.rtsp.RtspHeaders;
import io.sluice.protocol.rtsp.RtspResponse;
import java.nio.charset.StandardCharsets;

/** RtspReplies builds the server's plain responses: 200 with headers, and errors with a text reason. */
final class RtspReplies {
    private RtspReplies() {
    }

    /** 200 OK with the given header name/value pairs. */
    static RtspResponse ok(String... headerPairs) {
        RtspHeaders h = new RtspHeaders();
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            h.set(headerPairs[i], headerPairs[i + 1]);
        }
        return new RtspResponse(200, "OK", h, new byte[0]);
    }

    static RtspResponse status(int code, String reason, String why) {
        RtspHeaders h = new RtspHeaders();
        h.set("Content-Type", "text/plain");
        return new RtspResponse(code, reason, h, (why + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
