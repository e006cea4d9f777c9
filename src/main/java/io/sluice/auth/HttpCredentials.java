package io.sluice.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * HttpCredentials is what an HTTP request's Authorization header gives (API, metrics): "Basic" user and password, or a "Bearer"
 * token taken as the password of user "" (mediamtx's convention).
 */
public record HttpCredentials(String user, String pass) {
    public static final HttpCredentials NONE = new HttpCredentials("", "");

    /**
     * Reads the header. No header, another scheme, or a malformed Basic value all mean no credentials
     * (as Go's BasicAuth in mediamtx): the authorizer then decides whether anonymous access is allowed.
     */
    public static HttpCredentials from(String authorization) {
        if (authorization == null) {
            return NONE;
        }
        String h = authorization.strip();
        int sp = h.indexOf(' ');
        if (sp < 0) {
            return NONE;
        }
        String scheme = h.substring(0, sp).toLowerCase(Locale.ROOT);
        String value = h.substring(sp + 1).strip();
        return switch (scheme) {
            case "basic" -> basic(value);
            case "bearer" -> new HttpCredentials("", value);
            default -> NONE;
        };
    }

    private static HttpCredentials basic(String value) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) { // not base64: no credentials, and nothing of it is logged
            return NONE;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? NONE : new HttpCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    public boolean given() {
        return !user.isEmpty() || !pass.isEmpty();
    }

    /** Never the password, and not the user either: both stay out of logs. */
    @Override
    public String toString() {
        return given() ? "credentials(***)" : "no credentials";
    }
}
