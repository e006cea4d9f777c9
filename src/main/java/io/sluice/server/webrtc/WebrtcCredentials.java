package io.sluice.server.webrtc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * WebrtcCredentials are the credentials from Authorization: Basic user:pass, or Bearer token (user ""
 * pass = token), or ?user=&pass= / ?token= query; all "" when absent.
 *
 * <p>A bearer token fills both {@code pass} and {@code bearer}: a layer that only checks user/pass
 * sees the token as a password for user "", and one that wants a token (e.g. a JWT) finds it in
 * {@code bearer} without guessing where it came from.
 */
record WebrtcCredentials(String user, String pass, String bearer) {
    static final WebrtcCredentials NONE = new WebrtcCredentials("", "", "");

    /**
     * Reads the Authorization header first, then the query (user/pass before token). A header with
     * another scheme (e.g. Digest) counts as absent, so the session layer can answer 401.
     *
     * @param authorization the header value, or null
     * @throws WebrtcHttpException 400 when a Basic header is not base64 of "user:pass"
     */
    static WebrtcCredentials parse(String authorization, Map<String, List<String>> query)
            throws WebrtcHttpException {
        if (authorization != null && !authorization.isBlank()) {
            String a = authorization.strip();
            int space = a.indexOf(' ');
            String scheme = (space < 0 ? a : a.substring(0, space)).toLowerCase(Locale.ROOT);
            String value = space < 0 ? "" : a.substring(space + 1).strip();
            if (scheme.equals("basic")) {
                return basic(value);
            }
            if (scheme.equals("bearer") && !value.isEmpty()) {
                return new WebrtcCredentials("", value, value);
            }
        }
        String user = first(query, "user");
        String pass = first(query, "pass");
        if (!user.isEmpty() || !pass.isEmpty()) {
            return new WebrtcCredentials(user, pass, "");
        }
        String token = first(query, "token");
        return token.isEmpty() ? NONE : new WebrtcCredentials("", token, token);
    }

    private static WebrtcCredentials basic(String value) throws WebrtcHttpException {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new WebrtcHttpException(400, "malformed Authorization header: Basic needs base64 of user:pass");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new WebrtcHttpException(400, "malformed Authorization header: Basic needs base64 of user:pass");
        }
        return new WebrtcCredentials(decoded.substring(0, colon), decoded.substring(colon + 1), "");
    }

    private static String first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? "" : values.getFirst();
    }

    /** Never prints the secrets, so a record that slips into a log line leaks nothing. */
    @Override
    public String toString() {
        return "WebrtcCredentials[user=" + user + ", pass=" + (pass.isEmpty() ? "" : "***")
                + ", bearer=" + (bearer.isEmpty() ? "" : "***") + "]";
    }
}
