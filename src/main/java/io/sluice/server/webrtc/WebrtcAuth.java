package io.sluice.server.webrtc;

import io.sluice.auth.Authorizer;
import io.sluice.conf.AuthAction;
import java.net.InetAddress;

/**
 * WebrtcAuth checks WHIP/WHEP credentials with the server's authorizer: HTTP Basic (or the user/pass
 * query), or a Bearer token that is the password itself (user "") or "user:pass" — WHIP clients such as
 * OBS only send a Bearer token.
 */
final class WebrtcAuth {

    private WebrtcAuth() {
    }

    /** The user the credentials authenticate as ("" when none are needed), or null when refused. */
    static String authenticate(Authorizer auth, AuthAction action, String path, WebrtcCredentials c, InetAddress ip) {
        String user = auth.authenticate(action, path, c.user(), c.pass(), ip);
        if (user != null) {
            return user;
        }
        String bearer = c.bearer();
        int colon = bearer.indexOf(':');
        if (colon > 0) {
            String u = bearer.substring(0, colon);
            if (auth.allows(action, path, u, bearer.substring(colon + 1), ip)) {
                return u;
            }
        }
        return null;
    }
}
