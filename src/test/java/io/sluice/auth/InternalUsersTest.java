package io.sluice.auth;

import static io.sluice.conf.AuthAction.API;
import static io.sluice.conf.AuthAction.METRICS;
import static io.sluice.conf.AuthAction.PLAYBACK;
import static io.sluice.conf.AuthAction.PPROF;
import static io.sluice.conf.AuthAction.PUBLISH;
import static io.sluice.conf.AuthAction.READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.AuthAction;
import io.sluice.conf.AuthPermission;
import io.sluice.conf.AuthUser;
import io.sluice.conf.ConfLoader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InternalUsersTest {
    static final InetAddress LOCAL4 = ip("127.0.0.1");
    static final InetAddress LOCAL6 = ip("::1");
    static final InetAddress LAN = ip("192.168.1.20");

    @Test
    void mediamtxDefaultLetsAnyonePublishAndReadButKeepsApiLocal() {
        Authorizer a = new InternalUsers(ConfLoader.defaults().auth().internalUsers());
        for (AuthAction act : List.of(PUBLISH, READ, PLAYBACK)) {
            assertThat(a.allows(act, "cam1", "", "", LAN)).as(act.yaml()).isTrue();
            assertThat(a.allows(act, "x/y", "someone", "whatever", ip("2001:db8::1"))).isTrue();
        }
        for (AuthAction act : List.of(API, METRICS, PPROF)) {
            assertThat(a.allows(act, "", "", "", LOCAL4)).as(act.yaml()).isTrue();
            assertThat(a.allows(act, "", "", "", LOCAL6)).isTrue();
            assertThat(a.allows(act, "", "", "", ip("::ffff:127.0.0.1"))).as("IPv4-mapped").isTrue();
            assertThat(a.allows(act, "", "admin", "x", LAN)).isFalse();
        }
        assertThat(a.authenticate(PUBLISH, "cam1", "bob", "pw", LAN)).as("anyone gets in as nobody").isEmpty();
        assertThat(a.needsPlainPassword(PUBLISH, "cam1", LAN)).isFalse();
    }

    @Test
    void namedUserNeedsBothUserAndPassword() {
        Authorizer a = new InternalUsers(List.of(user("pub", "s3cret", List.of(), perm(PUBLISH, "")),
                user("viewer", "v", List.of(), perm(READ, ""))));
        assertThat(a.allows(PUBLISH, "cam1", "pub", "s3cret", LAN)).isTrue();
        assertThat(a.allows(PUBLISH, "cam1", "pub", "s3cre", LAN)).isFalse();
        assertThat(a.allows(PUBLISH, "cam1", "pub", "s3cret!", LAN)).isFalse();
        assertThat(a.allows(PUBLISH, "cam1", "Pub", "s3cret", LAN)).isFalse();
        assertThat(a.allows(PUBLISH, "cam1", "", "", LAN)).isFalse();
        assertThat(a.allows(PUBLISH, "cam1", "viewer", "v", LAN)).as("read-only user").isFalse();
        assertThat(a.allows(READ, "cam1", "viewer", "v", LAN)).isTrue();
        assertThat(a.allows(READ, "cam1", "pub", "s3cret", LAN)).as("publish-only user").isFalse();
        assertThat(a.authenticate(READ, "cam1", "viewer", "v", LAN)).isEqualTo("viewer");
        assertThat(a.authenticate(READ, "cam1", "viewer", "w", LAN)).isNull();
    }

    @Test
    void sha256PasswordsAndUserNames() {
        Authorizer a = new InternalUsers(List.of(
                user("pub", sha256("s3cret"), List.of(), perm(PUBLISH, "")),
                user(sha256("hidden"), sha256("pw"), List.of(), perm(READ, "")),
                user("plain", "pp", List.of(), perm(READ, "cam1"))));
        assertThat(a.allows(PUBLISH, "cam1", "pub", "s3cret", LAN)).isTrue();
        assertThat(a.allows(PUBLISH, "cam1", "pub", sha256("s3cret"), LAN)).as("the hash is no password").isFalse();
        assertThat(a.allows(PUBLISH, "cam1", "pub", "s3cre", LAN)).isFalse();
        assertThat(a.allows(READ, "cam2", "hidden", "pw", LAN)).isTrue();
        assertThat(a.allows(READ, "cam2", "hidden", "px", LAN)).isFalse();

        // Digest-style proofs need the plain password: hashed ones cannot be checked.
        List<String> asked = new ArrayList<>();
        assertThat(a.allowsProof(PUBLISH, "cam1", "pub", p -> {
            asked.add(p);
            return true;
        }, LAN)).isFalse();
        assertThat(asked).isEmpty();
        assertThat(a.needsPlainPassword(PUBLISH, "cam1", LAN)).isTrue();
        assertThat(a.needsPlainPassword(READ, "cam1", LAN)).as("a hashed user could read cam1").isTrue();
        assertThat(new InternalUsers(List.of(user("plain", "pp", List.of(), perm(READ, "cam1"))))
                .needsPlainPassword(READ, "cam1", LAN)).isFalse();
    }

    @Test
    void proofsGetThePlainPasswordOfMatchingUsersOnly() {
        Authorizer a = new InternalUsers(List.of(user("bob", "pw1", List.of(), perm(READ, "")),
                user("bob", "pw2", List.of("10.0.0.0/8"), perm(READ, "")),
                user("eve", "pw3", List.of(), perm(READ, ""))));
        List<String> asked = new ArrayList<>();
        assertThat(a.allowsProof(READ, "cam1", "bob", p -> {
            asked.add(p);
            return false;
        }, LAN)).isFalse();
        assertThat(asked).containsExactly("pw1");
        assertThat(a.allowsProof(READ, "cam1", "bob", "pw1"::equals, LAN)).isTrue();
        assertThat(a.allowsProof(READ, "cam1", "bob", "pw2"::equals, ip("10.1.2.3"))).isTrue();
        assertThat(a.allowsProof(PUBLISH, "cam1", "bob", p -> true, LAN)).isFalse();
        Authorizer any = new InternalUsers(List.of(user("any", "", List.of(), perm(READ, ""))));
        assertThat(any.allowsProof(READ, "cam1", "whoever", p -> false, LAN)).as("any needs no proof").isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "192.168.1.0/24, 192.168.1.77, true",
        "192.168.1.0/24, 192.168.2.1, false",
        "192.168.1.7/24, 192.168.1.200, true",
        "10.0.0.0/8, 10.255.0.1, true",
        "10.1.2.3, 10.1.2.3, true",
        "10.1.2.3, 10.1.2.4, false",
        "0.0.0.0/0, 203.0.113.9, true",
        "0.0.0.0/0, 2001:db8::1, false",
        "127.0.0.1, ::ffff:127.0.0.1, true",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "fd00::/7, fdff::1, true",
        "::1, ::1, true",
        "::1, 127.0.0.1, false",
        "::/0, ::1, true",
        "172.16.0.0/12, 172.31.255.255, true",
        "172.16.0.0/12, 172.32.0.0, false"})
    void ipRanges(String range, String client, boolean inside) {
        Authorizer a = new InternalUsers(List.of(user("any", "", List.of(range), perm(READ, ""))));
        assertThat(a.allows(READ, "p", "", "", ip(client))).isEqualTo(inside);
        assertThat(IpRange.parse(range).contains(ip(client))).isEqualTo(inside);
    }

    @Test
    void pathRulesAreExactRegexFoundOrEveryPath() {
        Authorizer a = new InternalUsers(List.of(user("any", "", List.of(),
                perm(PUBLISH, "cam1"), perm(READ, "~^live/"), perm(PLAYBACK, "~rec"), perm(API, "ignored"))));
        assertThat(a.allows(PUBLISH, "cam1", "", "", LAN)).isTrue();
        assertThat(a.allows(PUBLISH, "cam10", "", "", LAN)).as("exact").isFalse();
        assertThat(a.allows(PUBLISH, "x/cam1", "", "", LAN)).isFalse();
        assertThat(a.allows(READ, "live/a", "", "", LAN)).isTrue();
        assertThat(a.allows(READ, "x/live/a", "", "", LAN)).as("anchored").isFalse();
        assertThat(a.allows(PLAYBACK, "old/records/1", "", "", LAN)).as("find(), not matches()").isTrue();
        assertThat(a.allows(READ, "cam1", "", "", LAN)).isFalse();
        assertThat(a.allows(API, "", "", "", LAN)).as("api has no path").isTrue();
        assertThat(a.allows(METRICS, "", "", "", LAN)).isFalse();
    }

    @Test
    void ipRestrictedUserOnlyFromItsRanges() {
        Authorizer a = new InternalUsers(List.of(
                user("cam", "pw", List.of("192.168.1.0/24", "2001:db8::/64"), perm(PUBLISH, "")),
                user("far", "pw", List.of("203.0.113.1"), perm(READ, ""))));
        assertThat(a.allows(PUBLISH, "c", "cam", "pw", LAN)).isTrue();
        assertThat(a.allows(PUBLISH, "c", "cam", "pw", ip("2001:db8::5"))).isTrue();
        assertThat(a.allows(PUBLISH, "c", "cam", "pw", LOCAL4)).isFalse();
        assertThat(a.allows(READ, "c", "far", "pw", LOCAL4)).isFalse();
        assertThat(a.allows(READ, "c", "far", "pw", ip("203.0.113.1"))).isTrue();
    }

    @Test
    void noUsersAllowNothing() {
        Authorizer a = new InternalUsers(List.of());
        assertThat(a.allows(READ, "p", "", "", LOCAL4)).isFalse();
        assertThat(a.allows(API, "", "", "", LOCAL4)).isFalse();
        assertThat(a.authenticate(READ, "p", "a", "b", LOCAL4)).isNull();
    }

    static AuthUser user(String name, String pass, List<String> ips, AuthPermission... perms) {
        return new AuthUser(name, pass, ips, List.of(perms));
    }

    static AuthPermission perm(AuthAction a, String path) {
        return new AuthPermission(a, path);
    }

    static String sha256(String s) {
        try {
            return "sha256:" + Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }
}
