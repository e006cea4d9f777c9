package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebrtcCredentialsTest {
    private static final Map<String, List<String>> NO_QUERY = Map.of();

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void absentIsAllEmpty() throws Exception {
        assertThat(WebrtcCredentials.parse(null, NO_QUERY)).isEqualTo(new WebrtcCredentials("", "", ""));
        assertThat(WebrtcCredentials.parse("  ", NO_QUERY)).isEqualTo(WebrtcCredentials.NONE);
    }

    @Test
    void basicSplitsAtTheFirstColon() throws Exception {
        assertThat(WebrtcCredentials.parse(basic("alice:p:ss wörd"), NO_QUERY))
                .isEqualTo(new WebrtcCredentials("alice", "p:ss wörd", ""));
        assertThat(WebrtcCredentials.parse("basic " + basic(":x").substring(6), NO_QUERY))
                .isEqualTo(new WebrtcCredentials("", "x", ""));
    }

    @Test
    void bearerIsPassAndBearer() throws Exception {
        assertThat(WebrtcCredentials.parse("Bearer abc.def", NO_QUERY))
                .isEqualTo(new WebrtcCredentials("", "abc.def", "abc.def"));
    }

    @Test
    void queryUserPassThenToken() throws Exception {
        assertThat(WebrtcCredentials.parse(null, Map.of("user", List.of("u"), "pass", List.of("p"))))
                .isEqualTo(new WebrtcCredentials("u", "p", ""));
        assertThat(WebrtcCredentials.parse(null, Map.of("token", List.of("t"))))
                .isEqualTo(new WebrtcCredentials("", "t", "t"));
        assertThat(WebrtcCredentials.parse(null, Map.of("user", List.of("u"), "token", List.of("t"))))
                .isEqualTo(new WebrtcCredentials("u", "", ""));
    }

    @Test
    void headerWinsOverQueryAndOtherSchemesCountAsAbsent() throws Exception {
        assertThat(WebrtcCredentials.parse(basic("h:p"), Map.of("user", List.of("q"))))
                .isEqualTo(new WebrtcCredentials("h", "p", ""));
        assertThat(WebrtcCredentials.parse("Digest username=\"x\"", Map.of("token", List.of("t"))))
                .isEqualTo(new WebrtcCredentials("", "t", "t"));
    }

    @Test
    void malformedBasicIs400() {
        for (String bad : new String[] {"Basic !!!", basic("nocolon"), "Basic"}) {
            assertThatThrownBy(() -> WebrtcCredentials.parse(bad, NO_QUERY))
                    .isInstanceOfSatisfying(WebrtcHttpException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void toStringHidesSecrets() {
        assertThat(new WebrtcCredentials("u", "secret", "tok").toString()).doesNotContain("secret", "tok");
    }
}
