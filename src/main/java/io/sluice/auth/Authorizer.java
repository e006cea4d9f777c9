package io.sluice.auth;

import io.sluice.conf.AuthAction;
import java.net.InetAddress;

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

    /** Allows everything (tests, and servers built without auth). */
    Authorizer ALLOW_ALL = (action, path, user, pass, ip) -> true;
}
