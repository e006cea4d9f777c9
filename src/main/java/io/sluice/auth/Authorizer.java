package io.sluice.auth;

import io.sluice.conf.AuthAction;
import java.net.InetAddress;
import java.util.function.Predicate;

/**
 * Authorizer decides whether a request may do something: publish or read a path, use the API, scrape
 * metrics. Every protocol server, the API and the metrics endpoint ask the same one.
 */
public interface Authorizer {

    /**
     * @param action what is asked
     * @param path the path name for publish/read/playback, "" for api/metrics
     * @param user the user name given, "" when none
     * @param pass the password (or Bearer token) given, "" when none
     * @param ip the client's address
     */
    boolean allows(AuthAction action, String path, String user, String pass, InetAddress ip);

    /**
     * Like {@link #allows}, for a challenge-response scheme (RTSP Digest) where the client proves that it
     * knows the password without sending it: {@code proves} is asked with the plain password of each
     * account of {@code user} that could allow the request, and the request is allowed when one passes
     * (or when it needs no credentials at all). Passwords kept only as a hash cannot be checked this way.
     * The default allows nothing.
     */
    default boolean allowsProof(AuthAction action, String path, String user, Predicate<String> proves,
            InetAddress ip) {
        return false;
    }

    /**
     * Whether an account that could allow this request keeps only a hash of its password: a server
     * then offers only schemes that send the password (RTSP Basic, not Digest).
     */
    default boolean needsPlainPassword(AuthAction action, String path, InetAddress ip) {
        return false;
    }

    /**
     * The user a request gets in as: "" when it needs no credentials, {@code user} when its credentials
     * allow it, null when it is refused.
     */
    default String authenticate(AuthAction action, String path, String user, String pass, InetAddress ip) {
        if (allows(action, path, "", "", ip)) {
            return "";
        }
        return allows(action, path, user, pass, ip) ? user : null;
    }

    /** Allows everything (tests, and servers built without auth). */
    Authorizer ALLOW_ALL = (action, path, user, pass, ip) -> true;
}
