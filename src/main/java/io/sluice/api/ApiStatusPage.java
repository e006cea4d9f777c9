package io.sluice.api;

import static io.sluice.api.ApiRoute.Tail.NONE;

import io.sluice.net.http.HttpReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ApiStatusPage serves the status page at {@code GET /}: one static HTML file with its script and style
 * inline, which reads the JSON API every second.
 *
 * <p>The page only ever inserts data as text, and its Content-Security-Policy allows exactly its own inline
 * script and style (by hash) and requests to its own origin: should an escaping slip ever let markup in
 * (a path or error text is attacker-chosen), the browser still runs no injected script.
 */
final class ApiStatusPage {
    static final String RESOURCE = "status.html";
    static final String HTML = "text/html; charset=utf-8";

    private final String page;
    private final String csp;

    ApiStatusPage() {
        this.page = load(RESOURCE);
        this.csp = "default-src 'none'; script-src " + hashes("script") + "; style-src " + hashes("style")
                + "; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    List<ApiRoute> routes() {
        return List.of(ApiRoute.get("/", NONE, c -> reply()));
    }

    HttpReply reply() {
        return HttpReply.of(200, HTML, page)
                .with("Cache-Control", "no-cache")
                .with("Content-Security-Policy", csp)
                .with("X-Frame-Options", "DENY")
                .with("Referrer-Policy", "no-referrer");
    }

    /** 'sha256-…' of every inline element of this kind, as CSP level 2 hashes them (the exact text). */
    private String hashes(String tag) {
        Matcher m = Pattern.compile("<" + tag + ">(.*?)</" + tag + ">", Pattern.DOTALL).matcher(page);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            out.append(out.isEmpty() ? "" : " ").append("'sha256-").append(sha256(m.group(1))).append('\'');
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no inline <" + tag + "> in io/sluice/api/" + RESOURCE);
        }
        return out.toString();
    }

    private static String sha256(String s) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String load(String name) {
        try (InputStream in = ApiStatusPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/sluice/api/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource io/sluice/api/" + name, e);
        }
    }
}
