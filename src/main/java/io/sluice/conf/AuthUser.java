package io.sluice.conf;

import java.net.InetAddress;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * AuthUser is one entry of authInternalUsers (mediamtx's shape): who it is, from where it may connect,
 * and what it may do.
 *
 * @param user a user name, "any" for anyone (with or without credentials), or "sha256:BASE64" of the
 *     SHA-256 hash of the name
 * @param pass the password in plain text or as "sha256:BASE64(SHA-256(pass))"; "" for none (and
 *     always "" for any)
 * @param ips IP addresses and CIDR ranges (IPv4 or IPv6) the user may connect from; empty for any
 * @param permissions what the user may do
 */
public record AuthUser(String user, String pass, List<String> ips, List<AuthPermission> permissions) {

    /** The user name meaning anyone. */
    public static final String ANY = "any";
    /** Prefix of a hashed credential: the base64 SHA-256 digest follows. */
    public static final String SHA256 = "sha256:";
    static final String ARGON2 = "argon2:";
    static final String ACCEPTED_USER = "a user name, any, or sha256:BASE64 of its SHA-256 hash";
    static final String ACCEPTED_PASS = "a plain password, or sha256:BASE64 of its SHA-256 hash";
    static final String ACCEPTED_IP = "an IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/8 or fd00::/8";

    public AuthUser {
        checkUser(Objects.requireNonNull(user, "user"));
        checkCredential(Objects.requireNonNull(pass, "pass"), ACCEPTED_PASS);
        if (user.equals(ANY) && !pass.isEmpty()) {
            throw new BadValue("user 'any' is anyone, so it cannot have a password",
                    "an empty pass for any, or a named user");
        }
        ips = List.copyOf(ips);
        ips.forEach(AuthUser::checkIp);
        permissions = List.copyOf(permissions);
    }

    /** Whether this entry lets anyone in, with or without credentials. */
    public boolean isAny() {
        return user.equals(ANY);
    }

    /** Whether the password is kept as a hash, so that challenge-response schemes (RTSP Digest) cannot check it. */
    public boolean hashedPass() {
        return pass.startsWith(SHA256);
    }

    static void checkUser(String user) {
        if (user.isEmpty()) {
            throw new BadValue("empty user name", ACCEPTED_USER);
        }
        checkCredential(user, ACCEPTED_USER);
    }

    static void checkCredential(String value, String accepted) {
        if (value.startsWith(ARGON2)) {
            throw new BadValue("argon2 hashes are not supported", accepted);
        }
        if (value.startsWith(SHA256)) {
            byte[] digest;
            try {
                digest = Base64.getDecoder().decode(value.substring(SHA256.length()));
            } catch (IllegalArgumentException e) {
                throw new BadValue("sha256 hash is not valid base64", accepted);
            }
            if (digest.length != 32) {
                throw new BadValue("sha256 hash is " + digest.length + " bytes long, not 32", accepted);
            }
        }
    }

    /** Checks "ip" or "ip/prefix" without any name lookup. */
    static void checkIp(String s) {
        String v = s.strip();
        int slash = v.indexOf('/');
        String addr = slash < 0 ? v : v.substring(0, slash);
        InetAddress a;
        try {
            if (addr.isEmpty() || addr.startsWith("[") || addr.contains("%")) {
                throw new IllegalArgumentException(addr);
            }
            a = InetAddress.ofLiteral(addr);
        } catch (IllegalArgumentException e) {
            throw new BadValue("invalid IP address '" + s + "'", ACCEPTED_IP);
        }
        if (slash >= 0) {
            int max = a.getAddress().length * 8;
            String prefix = v.substring(slash + 1);
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
                throw new BadValue("invalid prefix length in '" + s + "'", "0.." + max + " after the /");
            }
        }
    }

    @Override
    public String toString() {
        return "AuthUser[user=" + user + ", pass=" + Redact.secret(pass) + ", ips=" + ips + ", permissions="
                + permissions + "]";
    }
}
