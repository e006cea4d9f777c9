package io.sluice.auth;

import static io.sluice.auth.InternalUsersTest.ip;
import static io.sluice.auth.InternalUsersTest.sha256;
import static io.sluice.conf.AuthAction.API;
import static io.sluice.conf.AuthAction.PLAYBACK;
import static io.sluice.conf.AuthAction.PUBLISH;
import static io.sluice.conf.AuthAction.READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.ConfLoader;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConfAuthorizerTest {
    static final InetAddress LAN = ip("192.168.1.20");

    @Test
    void pathCredentialsDecideTheirPathsAndInternalUsersTheRest() throws Exception {
        Authorizer a = ConfAuthorizer.of(ConfLoader.parse("""
                authInternalUsers:
                  - user: any
                    permissions: [{action: read}]
                  - user: alice
                    pass: %s
                    permissions: [{action: publish}, {action: api}]
                paths:
                  legacy:
                    publishUser: pub
                    publishPass: pubpw
                  tokenOnly:
                    readPass: token
                  all_others:
                """.formatted(sha256("alicepw")), "t.yml"));
        // the path's own keys decide, even against users that authInternalUsers would let in
        assertThat(a.allows(PUBLISH, "legacy", "pub", "pubpw", LAN)).isTrue();
        assertThat(a.allows(PUBLISH, "legacy", "pub", "nope", LAN)).isFalse();
        assertThat(a.allows(PUBLISH, "legacy", "alice", "alicepw", LAN)).isFalse();
        assertThat(a.needsPlainPassword(PUBLISH, "legacy", LAN)).isFalse();
        assertThat(a.allowsProof(PUBLISH, "legacy", "pub", "pubpw"::equals, LAN)).isTrue();
        assertThat(a.allowsProof(PUBLISH, "legacy", "eve", p -> true, LAN)).isFalse();
        // where the path sets no read credentials, authInternalUsers decides reading
        assertThat(a.allows(READ, "legacy", "", "", LAN)).isTrue();
        assertThat(a.allows(READ, "tokenOnly", "", "", LAN)).isFalse();
        assertThat(a.allows(READ, "tokenOnly", "", "token", LAN)).isTrue();
        assertThat(a.allows(PLAYBACK, "tokenOnly", "", "token", LAN)).isTrue();
        // other paths: authInternalUsers
        assertThat(a.allows(PUBLISH, "cam1", "alice", "alicepw", LAN)).isTrue();
        assertThat(a.allows(PUBLISH, "cam1", "pub", "pubpw", LAN)).isFalse();
        assertThat(a.needsPlainPassword(PUBLISH, "cam1", LAN)).isTrue();
        assertThat(a.allows(API, "", "alice", "alicepw", LAN)).isTrue();
        assertThat(a.allows(API, "", "", "", LAN)).isFalse();
        assertThat(a.authenticate(PUBLISH, "legacy", "pub", "pubpw", LAN)).isEqualTo("pub");
        assertThat(a.authenticate(READ, "legacy", "pub", "pubpw", LAN)).isEmpty();
        assertThat(a.toString()).doesNotContain("pubpw", "alicepw");
    }

    @Test
    void defaultConfigurationIsOpenForMediaAndLocalForTheApi() {
        Authorizer a = ConfAuthorizer.of(ConfLoader.defaults());
        assertThat(a.allows(PUBLISH, "any/path", "", "", LAN)).isTrue();
        assertThat(a.allows(API, "", "", "", LAN)).isFalse();
        assertThat(a.allows(API, "", "", "", ip("127.0.0.1"))).isTrue();
    }
}
