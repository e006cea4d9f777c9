package io.sluice.conf;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * AuthConf is who may publish, read, play back, use the API and scrape metrics: mediamtx's internal
 * authentication. A path entry's publishUser/readUser, when set, decide for that path instead. Applied to
 * the next sessions without restarting anything (the authorizer is swapped for every server at once).
 *
 * @param internalUsers authInternalUsers, in file order
 */
public record AuthConf(List<AuthUser> internalUsers) {

    static final List<String> USER_KEYS = List.of("user", "pass", "ips", "permissions");
    static final List<String> PERMISSION_KEYS = List.of("action", "path");

    /**
     * mediamtx's default authInternalUsers: anyone may publish, read and play back every path; the API,
     * metrics and pprof are open to local clients only.
     */
    static final List<AuthUser> DEFAULT_USERS = List.of(
            new AuthUser(AuthUser.ANY, "", List.of(), List.of(new AuthPermission(AuthAction.PUBLISH, ""),
                    new AuthPermission(AuthAction.READ, ""), new AuthPermission(AuthAction.PLAYBACK, ""))),
            new AuthUser(AuthUser.ANY, "", List.of("127.0.0.1", "::1"), List.of(
                    new AuthPermission(AuthAction.API, ""), new AuthPermission(AuthAction.METRICS, ""),
                    new AuthPermission(AuthAction.PPROF, ""))));

    /**
     * Absent or null keeps mediamtx's default users; an empty list is kept as written (then only path
     * entries with publishUser/readUser let anyone in, as in mediamtx).
     */
    static final Key<List<AuthUser>> INTERNAL_USERS =
            Key.withReader("authInternalUsers", DEFAULT_USERS, AuthConf::users);

    static final KeyTable<AuthConf> KEYS = new KeyTable<>(List.of(INTERNAL_USERS), INTERNAL_USERS,
            v -> new AuthConf(v.get(INTERNAL_USERS)));

    public static final AuthConf DEFAULT = KEYS.defaults();

    public AuthConf {
        internalUsers = List.copyOf(internalUsers);
    }

    private static List<AuthUser> users(ConfNode n, String key, List<AuthUser> def) {
        if (!n.has(key)) {
            return def;
        }
        List<AuthUser> out = new ArrayList<>();
        for (ConfNode.Element e : n.list(key, "a list of users")) {
            ConfNode u = n.mapping(e, "a mapping with keys " + String.join(", ", USER_KEYS));
            if (u != null) {
                AuthUser user = user(u);
                if (user != null) {
                    out.add(user);
                }
            }
        }
        return out;
    }

    /** One user entry, or null when it has a problem (reported). */
    private static AuthUser user(ConfNode u) {
        Problems problems = u.problems();
        int before = problems.size();
        u.checkKeys(USER_KEYS, Set.of());
        String user = u.get("user", "", v -> {
            String s = ConfNode.text(v);
            AuthUser.checkUser(s);
            return s;
        });
        if (!u.has("user")) {
            problems.add(u.keyPath("user"), "missing", AuthUser.ACCEPTED_USER);
        }
        String pass = u.get("pass", "", v -> {
            String s = ConfNode.text(v);
            AuthUser.checkCredential(s, AuthUser.ACCEPTED_PASS);
            return s;
        });
        if (user.equals(AuthUser.ANY) && !pass.isEmpty()) {
            problems.add(u.keyPath("pass"), "user 'any' is anyone, so it cannot have a password",
                    "an empty pass for any, or a named user");
        }
        List<String> ips = new ArrayList<>();
        for (ConfNode.Element ip : u.list("ips", "a list of IPs and CIDR ranges")) {
            try {
                String s = ConfNode.text(ip.node());
                AuthUser.checkIp(s);
                ips.add(s.strip());
            } catch (BadValue b) {
                problems.add(ip.path(), b);
            }
        }
        List<AuthPermission> permissions = new ArrayList<>();
        for (ConfNode.Element pe : u.list("permissions", "a list of '- action: ACTION' entries")) {
            ConfNode p = u.mapping(pe, "a mapping with keys action, path");
            if (p != null) {
                AuthPermission perm = permission(p);
                if (perm != null) {
                    permissions.add(perm);
                }
            }
        }
        if (problems.size() != before) {
            return null;
        }
        try {
            return new AuthUser(user, pass, ips, permissions);
        } catch (BadValue b) {
            problems.add(u.path(), b); // the reads above check the same rules
            return null;
        }
    }

    private static AuthPermission permission(ConfNode p) {
        int before = p.problems().size();
        p.checkKeys(PERMISSION_KEYS, Set.of());
        AuthAction action = p.get("action", null, v -> AuthAction.parse(ConfNode.text(v)));
        if (!p.has("action")) {
            p.problems().add(p.keyPath("action"), "missing", AuthAction.ACCEPTED);
        }
        String path = p.get("path", "", v -> {
            String s = ConfNode.text(v);
            AuthPermission.checkPath(s);
            return s;
        });
        return p.problems().size() == before ? new AuthPermission(action, path) : null;
    }
}
