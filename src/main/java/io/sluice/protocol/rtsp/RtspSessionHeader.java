package io.sluice.protocol.rtsp;

import java.util.Locale;
import java.util.Objects;

/**
 * RtspSessionHeader is the value of an RTSP {@code Session:} header (RFC 2326 §12.37):
 * an id and an optional timeout, e.g. {@code 12345678;timeout=60}.
 *
 * @param id the session id
 * @param timeoutSeconds the timeout in seconds, or -1 when absent (RFC default: 60)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2326#section-12.37">RFC 2326 §12.37</a>
 */
public record RtspSessionHeader(String id, int timeoutSeconds) {

    public RtspSessionHeader {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty() || id.indexOf(';') >= 0) {
            throw new IllegalArgumentException("invalid session id \"" + id + "\"");
        }
    }

    /** Parses a Session header value; unknown parameters are ignored. */
    public static RtspSessionHeader parse(String value) {
        String[] parts = value.split(";");
        String id = parts.length == 0 ? "" : parts[0].trim(); // ";" splits into no parts at all
        if (id.isEmpty()) {
            throw new RtspProtocolException(RtspStatus.SESSION_NOT_FOUND, "invalid Session \"" + value
                    + "\", expected <id>[;timeout=<seconds>]");
        }
        int timeout = -1;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("timeout")) {
                timeout = RtspHeaders.parseNonNegative("Session timeout", p.substring(eq + 1).trim());
            }
        }
        return new RtspSessionHeader(id, timeout);
    }

    /** The header value. */
    public String format() {
        return timeoutSeconds < 0 ? id : id + ";timeout=" + timeoutSeconds;
    }
}
