package io.sluice.server.rtsp;

import io.sluice.auth.Authorizer;
import io.sluice.conf.AuthAction;
import io.sluice.conf.RtspAuthMethod;
import io.sluice.protocol.rtsp.RtspAuth;
import io.sluice.protocol.rtsp.RtspHeaders;
import io.sluice.protocol.rtsp.RtspRequest;
import io.sluice.protocol.rtsp.RtspResponse;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspAuthCheck checks a request's credentials (RFC 2617 Basic and Digest as RTSP uses them) with the
 * server's authorizer, with the schemes {@code rtspAuthMethods} allows (mediamtx's default: Basic alone); a
 * client answering with another scheme is refused. Digest is checked against the plain passwords of the
 * accounts that could allow it; with {@code [basic, digest]}, when one of them keeps only a hash, the 401
 * offers Basic alone, because clients answer Digest whenever it is offered ({@code [digest]} alone with a
 * hashed credential is a configuration error).
 *
 * <p>One per connection (it holds the connection's Digest nonce); called only from its event loop.
 */
final class RtspAuthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(RtspAuthCheck.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String REALM = "sluice";

    private final RtspServer server;
    private final String remote;
    private final InetAddress ip;
    private final String nonce = HexFormat.of().formatHex(randomBytes(16));

    RtspAuthCheck(RtspServer server, String remote, InetAddress ip) {
        this.server = server;
        this.remote = remote;
        this.ip = ip;
    }

    /**
     * Returns the user the request authenticated as ("" when none was needed) or refuses with 401 and
     * the challenges.
     */
    String authorize(RtspRequest req, AuthAction action, String pathName) throws RtspRefusal {
        Authorizer auth = server.auth();
        if (auth.allows(action, pathName, "", "", ip)) {
            return "";
        }
        Set<RtspAuthMethod> methods = server.conf().rtsp().authMethods();
        RtspAuth.Presented p = RtspAuth.presented(req);
        if (p != null && !methods.contains(p.digest() ? RtspAuthMethod.DIGEST : RtspAuthMethod.BASIC)) {
            LOG.warn("[rtsp conn {}] {} credentials (user '{}') to {} '{}' refused: rtspAuthMethods allows {}", remote,
                    p.digest() ? "Digest" : "Basic", p.user(), action.yaml(), pathName, names(methods));
        } else if (p != null) {
            boolean ok = p.digest()
                    ? auth.allowsProof(action, pathName, p.user(),
                            pass -> RtspAuth.verify(req, p.user(), pass, nonce), ip)
                    : auth.allows(action, pathName, p.user(), p.pass(), ip);
            if (ok) {
                return p.user();
            }
            LOG.warn("[rtsp conn {}] wrong credentials (user '{}', {}) to {} '{}'", remote, p.user(),
                    p.digest() ? "Digest" : "Basic", action.yaml(), pathName);
        } else if (req.headers().get(RtspHeaders.AUTHORIZATION) != null) {
            LOG.warn("[rtsp conn {}] unreadable Authorization header to {} '{}'", remote, action.yaml(), pathName);
        }
        RtspHeaders h = new RtspHeaders();
        for (String c : challenges(methods, auth.needsPlainPassword(action, pathName, ip))) {
            h.add("WWW-Authenticate", c);
        }
        throw new RtspRefusal(new RtspResponse(401, "Unauthorized", h, new byte[0]));
    }

    /**
     * The WWW-Authenticate values of a 401: Digest when allowed, unless Basic is allowed too and an account
     * that could let the request in keeps a hashed password (the configuration refuses Digest alone then).
     */
    private List<String> challenges(Set<RtspAuthMethod> methods, boolean hashedAccount) {
        boolean basic = methods.contains(RtspAuthMethod.BASIC);
        boolean digest = methods.contains(RtspAuthMethod.DIGEST) && !(basic && hashedAccount);
        List<String> both = RtspAuth.challenges(REALM, nonce, true); // Digest, then Basic
        return digest && basic ? both : digest ? List.of(both.getFirst()) : List.of(both.getLast());
    }

    private static String names(Set<RtspAuthMethod> methods) {
        return methods.stream().map(RtspAuthMethod::yamlName).toList().toString();
    }

    static String newSessionId() {
        return HexFormat.of().formatHex(randomBytes(8));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
