package io.sluice.protocol.rtsp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * RtspRequest is one RTSP request (RFC 2326 §6): method, request URI, headers and body. The body is
 * a plain array (SDP or parameters, a few KiB at most) so that a message owns no refcounted memory.
 *
 * @param method the method as sent, e.g. "ANNOUNCE" (see {@link RtspMethods})
 * @param uri the request URI as sent ("*" for a server-wide OPTIONS)
 * @param headers the headers; Content-Length is managed by the encoder
 * @param body the body, empty when none
 */
public record RtspRequest(String method, String uri, RtspHeaders headers, byte[] body) implements RtspMessage {

    public RtspRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        body = body == null ? new byte[0] : body;
    }

    /** A request without body. */
    public RtspRequest(String method, String uri, RtspHeaders headers) {
        this(method, uri, headers, null);
    }

    /** The body decoded as UTF-8 (SDP is UTF-8 by RFC 8866 §5). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtspRequest r && method.equals(r.method) && uri.equals(r.uri)
                && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, uri, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        // the URI may carry credentials (rtsp://user:pass@...): never log them
        return "RtspRequest[" + method + " " + RtspUrl.redact(uri) + " " + headers + " body=" + body.length + "B]";
    }
}
