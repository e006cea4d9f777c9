package io.sluice.auth;

import io.sluice.conf.AuthAction;
import io.sluice.conf.Conf;
import io.sluice.conf.PathConf;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Predicate;

/**
 * ConfAuthorizer is the Authorizer one configuration describes: a path entry that sets
 * publishUser/publishPass (or readUser/readPass) decides publishing (or reading and playback) of its
 * paths by those credentials alone, as mediamtx's deprecated per-path keys did; authInternalUsers
 * decides everything else. Immutable: a new configuration gets a new one.
 */
public final class ConfAuthorizer implements Authorizer {
    private final Conf conf;
    private final InternalUsers users;

    private ConfAuthorizer(Conf conf) {
        this.conf = conf;
        this.users = new InternalUsers(conf.auth().internalUsers());
    }

    public static Authorizer of(Conf conf) {
        return new ConfAuthorizer(conf);
    }

    /** The per-path credentials that decide this request, or null when authInternalUsers decides. */
    private record PathCredentials(String user, String pass) {
        boolean match(String u, String p) {
            return same(user, u) & same(pass, p);
        }
    }

    private PathCredentials pathCredentials(AuthAction action, String path) {
        if (action != AuthAction.PUBLISH && action != AuthAction.READ && action != AuthAction.PLAYBACK) {
            return null;
        }
        PathConf pc = conf.pathFor(path);
        if (pc == null) {
            return null;
        }
        String user = action == AuthAction.PUBLISH ? pc.publishUser() : pc.readUser();
        String pass = action == AuthAction.PUBLISH ? pc.publishPass() : pc.readPass();
        return user.isEmpty() && pass.isEmpty() ? null : new PathCredentials(user, pass);
    }

    @Override
    public boolean allows(AuthAction action, String path, String user, String pass, InetAddress ip) {
        PathCredentials c = pathCredentials(action, path);
        return c != null ? c.match(user, pass) : users.allows(action, path, user, pass, ip);
    }

    @Override
    public boolean allowsProof(AuthAction action, String path, String user, Predicate<String> proves,
            InetAddress ip) {
        PathCredentials c = pathCredentials(action, path);
        if (c != null) {
            return same(c.user(), user) && proves.test(c.pass());
        }
        return users.allowsProof(action, path, user, proves, ip);
    }

    @Override
    public boolean needsPlainPassword(AuthAction action, String path, InetAddress ip) {
        return pathCredentials(action, path) == null && users.needsPlainPassword(action, path, ip);
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
                (b == null ? "" : b).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ConfAuthorizer[" + conf.auth().internalUsers().size() + " internal users]";
    }
}
