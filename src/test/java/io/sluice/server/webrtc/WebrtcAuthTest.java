package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.auth.Authorizer;
import io.sluice.auth.ConfAuthorizer;
import io.sluice.conf.AuthAction;
import io.sluice.conf.ConfLoader;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class WebrtcAuthTest {
    static final InetAddress IP = InetAddress.ofLiteral("127.0.0.1");

    @Test
    void basicBearerPasswordAndBearerUserColonPass() throws Exception {
        Authorizer a = ConfAuthorizer.of(ConfLoader.parse("""
                authInternalUsers:
                  - user: any
                    permissions: [{action: read}]
                  - user: obs
                    pass: obspw
                    permissions: [{action: publish}]
                paths:
                  legacy: {publishUser: "", publishPass: streamkey}
                  all_others:
                """, "w.yml"));
        assertThat(user(a, "cam", new WebrtcCredentials("obs", "obspw", ""))).isEqualTo("obs");
        assertThat(user(a, "cam", new WebrtcCredentials("obs", "nope", ""))).isNull();
        assertThat(user(a, "cam", new WebrtcCredentials("", "obs:obspw", "obs:obspw"))).as("OBS: Bearer user:pass")
                .isEqualTo("obs");
        assertThat(user(a, "cam", new WebrtcCredentials("", "obs:nope", "obs:nope"))).isNull();
        assertThat(user(a, "cam", WebrtcCredentials.NONE)).isNull();
        // a path that sets only a password: the Bearer token is that password
        assertThat(user(a, "legacy", new WebrtcCredentials("", "streamkey", "streamkey"))).isEmpty();
        assertThat(user(a, "legacy", new WebrtcCredentials("", "other", "other"))).isNull();
        assertThat(WebrtcAuth.authenticate(a, AuthAction.READ, "cam", WebrtcCredentials.NONE, IP)).isEmpty();
    }

    @Test
    void clientAddressOfTheHttpLayer() throws Exception {
        assertThat(WebrtcServer.ipOf("127.0.0.1:5000")).isEqualTo(IP);
        assertThat(WebrtcServer.ipOf("[0:0:0:0:0:0:0:1]:5000")).isEqualTo(InetAddress.ofLiteral("::1"));
    }

    private static String user(Authorizer a, String path, WebrtcCredentials c) {
        return WebrtcAuth.authenticate(a, AuthAction.PUBLISH, path, c, IP);
    }
}
