package io.sluice.server.webrtc;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * WebrtcAuth checks WHIP/WHEP credentials against a path's user and password: HTTP Basic (or the
 * user/pass query), or a Bearer token that is the password itself or "user:pass" — WHIP clients such as
 * OBS only send a Bearer token.
 */
final class WebrtcAuth {

    private WebrtcAuth() {
    }

    static boolean allowed(String user, String pass, WebrtcCredentials c) {
        if (user.isEmpty() && pass.isEmpty()) {
            return true;
        }
        boolean basic = same(user, c.user()) & same(pass, c.pass());
        String bearer = c.bearer() == null ? "" : c.bearer();
        boolean token = !bearer.isEmpty() && (same(pass, bearer) | same(user + ":" + pass, bearer));
        return basic || token;
    }

    /** Constant-time comparison, so timing does not tell how much of a password was right. */
    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
                (b == null ? "" : b).getBytes(StandardCharsets.UTF_8));
    }
}
