package io.sluice.server.webrtc;

import io.sluice.auth.Authorizer;
import io.sluice.conf.AuthAction;
import io.sluice.conf.PathConf;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * WebrtcAuth checks WHIP/WHEP credentials with the server's authorizer: HTTP Basic (or the user/pass
 * query), or a Bearer token that is "user:pass" — WHIP clients such as OBS only send a Bearer token.
 * On a path entry with publishUser/publishPass (readUser/readPass), a Bearer token that is the
 * password alone is accepted too, as before authInternalUsers: a stream key.
 */
final class WebrtcAuth {

    private WebrtcAuth() {
    }

    /**
     * The user the credentials authenticate as ("" when none are needed), or null when refused.
     *
     * @param pc the path's entry, for its own credentials; null when none
     */
    static String authenticate(Authorizer auth, AuthAction action, String path, PathConf pc, WebrtcCredentials c,
            InetAddress ip) {
        String user = auth.authenticate(action, path, c.user(), c.pass(), ip);
        if (user != null) {
            return user;
        }
        String bearer = c.bearer();
        if (bearer.isEmpty()) {
            return null;
        }
        int colon = bearer.indexOf(':');
        if (colon > 0) {
            String u = bearer.substring(0, colon);
            if (auth.allows(action, path, u, bearer.substring(colon + 1), ip)) {
                return u;
            }
        }
        if (pc != null) {
            String pathUser = action == AuthAction.PUBLISH ? pc.publishUser() : pc.readUser();
            String pathPass = action == AuthAction.PUBLISH ? pc.publishPass() : pc.readPass();
            if (!pathPass.isEmpty() && auth.allows(action, path, pathUser, pathPass, ip) && same(pathPass, bearer)) {
                return pathUser;
            }
        }
        return null;
    }

    /** Constant-time comparison, so timing does not tell how much of a password was right. */
    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
