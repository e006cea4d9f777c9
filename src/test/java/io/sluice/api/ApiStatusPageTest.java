package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.FakeControl;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The page as served; ApiStatusPageIT runs it in Chromium. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ApiStatusPageTest {
    @RegisterExtension
    final ApiTestClient api = new ApiTestClient(FakeControl.sample());

    @Test
    void servesTheHtmlWithAPolicyAllowingOnlyItsOwnScript() throws Exception {
        ApiTestClient.Res r = api.get("/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.body()).contains("<title>Sluice status</title>");
        String csp = r.header("content-security-policy");
        Matcher script = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(r.body());
        assertThat(script.find()).isTrue();
        assertThat(csp).contains("script-src 'sha256-" + sha256(script.group(1)) + "'")
                .contains("default-src 'none'").contains("connect-src 'self'").doesNotContain("unsafe");
        assertThat(r.header("x-frame-options")).isEqualTo("DENY");
    }

    @Test
    void thePageNeverInsertsMarkup() throws Exception {
        String page = api.get("/").body();
        assertThat(page).doesNotContain("innerHTML").doesNotContain("outerHTML")
                .doesNotContain("insertAdjacentHTML").doesNotContain("document.write").doesNotContain("eval(");
    }

    private static String sha256(String s) throws Exception {
        return Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
