package io.sluice.server.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * WebrtcHttpReply is a response as the router decides it, before the handler turns it into Netty
 * objects on the channel's event loop.
 *
 * @param contentType null when there is no body
 * @param headers extra headers in order; a name may repeat (Link)
 * @param undelivered run on the server's executor when the response could not be written, so a
 *                    session the client never learned about does not linger; null when nothing to undo
 */
record WebrtcHttpReply(int status, String contentType, String body, List<Map.Entry<String, String>> headers,
                       Runnable undelivered) {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";
    static final String SDP = "application/sdp";
    static final String SDP_FRAG = "application/trickle-ice-sdpfrag";

    WebrtcHttpReply {
        headers = List.copyOf(headers);
    }

    static WebrtcHttpReply text(int status, String message) {
        return new WebrtcHttpReply(status, TEXT, message + "\n", List.of(), null);
    }

    static WebrtcHttpReply html(String page) {
        return new WebrtcHttpReply(200, HTML, page, List.of(), null).with("Cache-Control", "no-cache");
    }

    static WebrtcHttpReply body(int status, String contentType, String body) {
        return new WebrtcHttpReply(status, contentType, body, List.of(), null);
    }

    static WebrtcHttpReply empty(int status) {
        return new WebrtcHttpReply(status, null, "", List.of(), null);
    }

    WebrtcHttpReply with(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>(headers);
        h.add(Map.entry(name, value));
        return new WebrtcHttpReply(status, contentType, body, h, undelivered);
    }

    WebrtcHttpReply withAll(String name, List<String> values) {
        WebrtcHttpReply r = this;
        for (String v : values) {
            r = r.with(name, v);
        }
        return r;
    }

    WebrtcHttpReply onUndelivered(Runnable undo) {
        return new WebrtcHttpReply(status, contentType, body, headers, undo);
    }
}
