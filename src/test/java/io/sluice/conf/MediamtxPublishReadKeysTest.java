package io.sluice.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** mediamtx's overridePublisher, fallback and rtspAuthMethods: read with mediamtx's defaults and rules. */
class MediamtxPublishReadKeysTest {

    @Test
    void defaultsAreMediamtxs() throws Exception {
        Conf c = ConfLoader.parse("paths:\n  cam: {}\n", "t.yml");
        PathConf cam = c.pathFor("cam");
        assertThat(cam.overridePublisher()).isTrue();
        assertThat(cam.fallback()).isEmpty();
        assertThat(c.rtsp().authMethods()).containsExactly(RtspAuthMethod.BASIC);
    }

    @Test
    void mediamtxsStockSpellingsLoadQuietly() throws Exception {
        ConfDocument doc = ConfDocument.parse("""
                rtspAuthMethods: [basic]
                pathDefaults:
                  overridePublisher: yes
                  fallback:
                paths:
                  cam:
                """, "m.yml");
        assertThat(doc.warnings()).isEmpty();
        assertThat(doc.conf().pathFor("cam").overridePublisher()).isTrue();
        assertThat(doc.conf().pathFor("cam").fallback()).isEmpty();
    }

    @Test
    void overridePublisherNoComesFromPathDefaultsOrTheEntry() throws Exception {
        Conf c = ConfLoader.parse("""
                pathDefaults:
                  overridePublisher: no
                paths:
                  a: {}
                  b: {overridePublisher: yes}
                """, "t.yml");
        assertThat(c.pathFor("a").overridePublisher()).isFalse();
        assertThat(c.pathFor("b").overridePublisher()).isTrue();
    }

    @Test
    void fallbackIsAPathOfThisServerOrAnRtspUrl() throws Exception {
        Conf c = ConfLoader.parse("""
                paths:
                  a: {fallback: /offline/slate}
                  b: {fallback: "rtsp://backup.example.com:8554/cam"}
                  c: {fallback: "rtsps://backup.example.com/cam"}
                """, "t.yml");
        assertThat(c.pathFor("a").fallback()).isEqualTo("/offline/slate");
        assertThat(c.pathFor("b").fallback()).isEqualTo("rtsp://backup.example.com:8554/cam");
        assertThatThrownBy(() -> ConfLoader.parse("paths:\n  a: {fallback: 'http://x/y'}\n", "t.yml"))
                .isInstanceOf(ConfException.class).hasMessageContaining("invalid fallback 'http://x/y'")
                .hasMessageContaining(PathConf.ACCEPTED_FALLBACK);
        assertThatThrownBy(() -> ConfLoader.parse("paths:\n  a: {fallback: '/bad name'}\n", "t.yml"))
                .isInstanceOf(ConfException.class).hasMessageContaining("invalid fallback '/bad name'");
    }

    @Test
    void authMethodsAreReadAndAnUnknownOneIsNamed() throws Exception {
        assertThat(ConfLoader.parse("rtspAuthMethods: [basic, digest]\n", "t.yml").rtsp().authMethods())
                .isEqualTo(Set.of(RtspAuthMethod.BASIC, RtspAuthMethod.DIGEST));
        assertThat(ConfLoader.parse("rtspAuthMethods: [Digest]\n", "t.yml").rtsp().digestOnly()).isTrue();
        assertThatThrownBy(() -> ConfLoader.parse("rtspAuthMethods: [ntlm]\n", "t.yml"))
                .isInstanceOf(ConfException.class).hasMessageContaining("unknown RTSP auth method 'ntlm'");
        assertThatThrownBy(() -> ConfLoader.parse("rtspAuthMethods: []\n", "t.yml"))
                .isInstanceOf(ConfException.class).hasMessageContaining("no RTSP auth method");
    }

    @Test
    void digestAloneRefusesAHashedPasswordNamingTheUser() throws Exception {
        String users = """
                authInternalUsers:
                  - user: cam
                    pass: sha256:rl3rgi4NcZkpAEcacZnQ2VuOfJ0FxAqCRaKB/SwdZoQ=
                    permissions: [{action: publish}]
                """;
        assertThatThrownBy(() -> ConfLoader.parse("rtspAuthMethods: [digest]\n" + users, "t.yml"))
                .isInstanceOf(ConfException.class)
                .hasMessageContaining("user 'cam' has a sha256-hashed credential, which RTSP Digest cannot check");
        // with Basic allowed too, the hashed account is offered Basic alone (RtspAuthCheck)
        assertThat(ConfLoader.parse("rtspAuthMethods: [basic, digest]\n" + users, "t.yml").rtsp().authMethods())
                .contains(RtspAuthMethod.DIGEST);
    }
}
