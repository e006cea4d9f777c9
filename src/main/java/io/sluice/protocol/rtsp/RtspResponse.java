package io.sluice.protocol.rtsp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * RtspResponse is one RTSP response (RFC 2326 §7): status, reason phrase, headers and body, with
 * the body as a plain array so that a message owns no refcounted memory.
 *
 * @param status the status code (see {@link RtspStatus})
 * @param reason the reason phrase
 * @param headers the headers; Content-Length is managed by the encoder
 * @param body the body, empty when none
 */
public record RtspResponse(int status, String reason, RtspHeaders headers, byte[] body) implements RtspMessage {

    public RtspResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("invalid RTSP status " + status);
        }
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(headers, "headers");
        body = body == null ? new byte[0] : body;
    }

    /** A response to {@code request} with the standard reason phrase and the request's CSeq copied. */
    public static RtspResponse to(RtspRequest request, int status) {
        RtspHeaders h = new RtspHeaders();
        String cseq = request.headers().get(RtspHeaders.CSEQ);
        if (cseq != null) {
            h.set(RtspHeaders.CSEQ, cseq.trim());
        }
        return new RtspResponse(status, RtspStatus.reason(status), h, null);
    }

    /** This response with a body (Content-Type set to {@code contentType}). */
    public RtspResponse withBody(String contentType, byte[] newBody) {
        RtspHeaders h = headers.copy().set(RtspHeaders.CONTENT_TYPE, contentType);
        return new RtspResponse(status, reason, h, newBody);
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtspResponse r && status == r.status && reason.equals(r.reason)
                && headers.equals(r.headers) && Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, reason, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "RtspResponse[" + status + " " + reason + " " + headers + " body=" + body.length + "B]";
    }
}
