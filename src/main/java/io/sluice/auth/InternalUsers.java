package io.sluice.auth;

import io.sluice.conf.AuthAction;
import io.sluice.conf.AuthPermission;
import io.sluice.conf.AuthUser;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * InternalUsers is the Authorizer of authInternalUsers, as mediamtx's internal authentication: a
 * request is allowed when one user entry matches its IP, its action and path, and its credentials
 * ("any" matches every request, with or without credentials).
 *
 * <p>Credentials are compared in constant time, as bytes or as SHA-256 digests for "sha256:" values,
 * so the time taken does not tell how much of a password was right. Immutable and thread-safe.
 */
public final class InternalUsers implements Authorizer {
    private final List<Entry> entries;

    public InternalUsers(List<AuthUser> users) {
        List<Entry> list = new ArrayList<>(users.size());
        for (AuthUser u : users) {
            list.add(new Entry(u));
        }
        this.entries = List.copyOf(list);
    }

    @Override
    public boolean allows(AuthAction action, String path, String user, String pass, InetAddress ip) {
        for (Entry e : entries) {
            if (e.admits(action, path, ip) && (e.any || e.user.matches(user) & e.pass.matches(pass))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean allowsProof(AuthAction action, String path, String user, Predicate<String> proves,
            InetAddress ip) {
        for (Entry e : entries) {
            if (!e.admits(action, path, ip)) {
                continue;
            }
            if (e.any || e.user.matches(user) && e.pass.plain != null && proves.test(e.pass.plain)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean needsPlainPassword(AuthAction action, String path, InetAddress ip) {
        for (Entry e : entries) {
            if (!e.any && e.pass.plain == null && e.admits(action, path, ip)) {
                return true;
            }
        }
        return false;
    }

    /** One user entry, compiled: its credentials, ranges and rules. */
    private static final class Entry {
        final boolean any;
        final Credential user;
        final Credential pass;
        final List<IpRange> ips;
        final List<Rule> rules;

        Entry(AuthUser u) {
            any = u.isAny();
            user = new Credential(u.user());
            pass = new Credential(u.pass());
            ips = u.ips().stream().map(IpRange::parse).toList();
            rules = u.permissions().stream().map(Rule::new).toList();
        }

        /** Whether the entry's IPs and permissions cover the request, credentials aside. */
        boolean admits(AuthAction action, String path, InetAddress ip) {
            if (!ips.isEmpty() && ips.stream().noneMatch(r -> r.contains(ip))) {
                return false;
            }
            for (Rule r : rules) {
                if (r.covers(action, path)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One permission: the action, and for path actions an exact name, a regex, or every path. */
    private static final class Rule {
        final AuthAction action;
        final String exact;
        final Pattern regex;

        Rule(AuthPermission p) {
            action = p.action();
            regex = p.isRegex() ? Pattern.compile(p.path().substring(1)) : null;
            exact = p.anyPath() || p.isRegex() ? null : p.path();
        }

        boolean covers(AuthAction a, String path) {
            if (a != action) {
                return false;
            }
            return switch (a) {
                // actions on the whole server have no path
                case API, METRICS, PPROF -> true;
                case PUBLISH, READ, PLAYBACK -> regex != null ? regex.matcher(path).find()
                        : exact == null || exact.equals(path);
            };
        }
    }

    /** A configured user name or password: plain text, or the SHA-256 digest of a "sha256:" value. */
    private static final class Credential {
        /** The plain value, or null when only its digest is known. */
        final String plain;
        private final byte[] expected;

        Credential(String configured) {
            if (configured.startsWith(AuthUser.SHA256)) {
                plain = null;
                expected = Base64.getDecoder().decode(configured.substring(AuthUser.SHA256.length()));
            } else {
                plain = configured;
                expected = configured.getBytes(StandardCharsets.UTF_8);
            }
        }

        boolean matches(String given) {
            byte[] g = (given == null ? "" : given).getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(expected, plain == null ? sha256(g) : g);
        }

        private static byte[] sha256(byte[] b) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(b);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("JDK lacks SHA-256", e);
            }
        }
    }
}
