package io.sluice.net.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HttpReply is a response as a {@link HttpHandler} decides it; the listener turns it into Netty objects on
 * the connection's event loop and adds Content-Length and Connection itself.
 *
 * @param contentType null when there is no body
 * @param body the body bytes, empty when none; not copied, so do not change it once handed over
 * @param headers extra headers in order; a name may repeat
 * @param undelivered run on one of the listener's virtual threads when the reply could not be written (the
 *     client went away first), so that what the reply alone tells about, e.g. a session created by the request
 *     and named only in its Location, does not linger; null when there is nothing to undo
 */
public record HttpReply(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers,
                        Runnable undelivered) {
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";

    public HttpReply {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status " + status + " is not in 100..599");
        }
        headers = List.copyOf(headers);
    }

    /** A reply with nothing to undo should it not reach the client. */
    public HttpReply(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {
        this(status, contentType, body, headers, null);
    }

    public static HttpReply of(int status, String contentType, String body) {
        return new HttpReply(status, contentType, body.getBytes(StandardCharsets.UTF_8), List.of());
    }

    public static HttpReply text(int status, String message) {
        return of(status, TEXT, message + "\n");
    }

    public static HttpReply empty(int status) {
        return new HttpReply(status, null, new byte[0], List.of());
    }

    /** This reply with one more header. */
    public HttpReply with(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>(headers);
        h.add(Map.entry(name, value));
        return new HttpReply(status, contentType, body, h, undelivered);
    }

    /** This reply with the header repeated once per value, in order (e.g. Link). */
    public HttpReply withAll(String name, List<String> values) {
        List<Map.Entry<String, String>> h = new ArrayList<>(headers);
        for (String v : values) {
            h.add(Map.entry(name, v));
        }
        return new HttpReply(status, contentType, body, h, undelivered);
    }

    /** This reply with {@code undo} to run should it not reach the client (see {@link #undelivered()}). */
    public HttpReply onUndelivered(Runnable undo) {
        return new HttpReply(status, contentType, body, headers, undo);
    }

    /** The first value of a header (case-insensitive), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return status + " " + (contentType == null ? "" : contentType + " ") + body.length + " bytes";
    }
}
