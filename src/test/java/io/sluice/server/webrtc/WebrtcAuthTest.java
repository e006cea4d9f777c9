package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.auth.Authorizer;
import io.sluice.auth.ConfAuthorizer;
import io.sluice.conf.AuthAction;
import io.sluice.conf.Conf;
import io.sluice.conf.ConfException;
import io.sluice.conf.ConfLoader;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class WebrtcAuthTest {
    static final InetAddress IP = InetAddress.ofLiteral("127.0.0.1");

    static final Conf CONF = parse("""
            authInternalUsers:
              - user: any
                permissions: [{action: read}]
              - user: obs
                pass: obspw
                permissions: [{action: publish}]
            paths:
              legacy: {publishUser: "", publishPass: streamkey}
              secure: {publishUser: alice, publishPass: s3cret}
              all_others:
            """);

    static Conf parse(String yaml) {
        try {
            return ConfLoader.parse(yaml, "w.yml");
        } catch (ConfException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void basicBearerPasswordAndBearerUserColonPass() throws Exception {
        Authorizer a = ConfAuthorizer.of(CONF);
        assertThat(user(a, "cam", new WebrtcCredentials("obs", "obspw", ""))).isEqualTo("obs");
        assertThat(user(a, "cam", new WebrtcCredentials("obs", "nope", ""))).isNull();
        assertThat(user(a, "cam", new WebrtcCredentials("", "obs:obspw", "obs:obspw"))).as("OBS: Bearer user:pass")
                .isEqualTo("obs");
        assertThat(user(a, "cam", new WebrtcCredentials("", "obs:nope", "obs:nope"))).isNull();
        assertThat(user(a, "cam", WebrtcCredentials.NONE)).isNull();
        // a path that sets only a password: the Bearer token is that password
        assertThat(user(a, "legacy", new WebrtcCredentials("", "streamkey", "streamkey"))).isEmpty();
        assertThat(user(a, "legacy", new WebrtcCredentials("", "other", "other"))).isNull();
        // a path with its own user and password: the Bearer token may be the password alone (a stream key)
        assertThat(user(a, "secure", new WebrtcCredentials("", "s3cret", "s3cret"))).isEqualTo("alice");
        assertThat(user(a, "secure", new WebrtcCredentials("", "alice:s3cret", "alice:s3cret"))).isEqualTo("alice");
        assertThat(user(a, "secure", new WebrtcCredentials("", "wrong", "wrong"))).isNull();
        assertThat(user(a, "secure", new WebrtcCredentials("", "obs:obspw", "obs:obspw"))).isNull();
        assertThat(user(a, "secure", new WebrtcCredentials("", "s3cret", ""))).as("no bearer: a Basic pass").isNull();
        assertThat(WebrtcAuth.authenticate(a, AuthAction.READ, "cam", null, WebrtcCredentials.NONE, IP)).isEmpty();
    }

    @Test
    void clientAddressOfTheHttpLayer() throws Exception {
        assertThat(WebrtcServer.ipOf("127.0.0.1:5000")).isEqualTo(IP);
        assertThat(WebrtcServer.ipOf("[0:0:0:0:0:0:0:1]:5000")).isEqualTo(InetAddress.ofLiteral("::1"));
    }

    private static String user(Authorizer a, String path, WebrtcCredentials c) throws Exception {
        return WebrtcAuth.authenticate(a, AuthAction.PUBLISH, path, CONF.pathFor(path), c, IP);
    }
}
