package io.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.auth.Authorizer;
import io.sluice.conf.ConfDocument;
import io.sluice.conf.ConfException;
import io.sluice.control.FakeControl;
import io.sluice.net.http.HttpReply;
import io.sluice.net.http.HttpRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * ApiFuzzTest feeds fuzzer requests to the HTTP API: routing, path and query decoding, JSON bodies
 * ({@link #request}, over a fake control), and JSON config patches applied to a real
 * {@link ConfDocument} ({@link #configPatch}). The contracts: {@link ApiHandler#handle} always returns
 * a reply (a RuntimeException would reach the client as a bare 500); a body is an object or an
 * {@link ApiException}; a patch yields a document or a {@link ConfException}.
 *
 * <p>Input layout of {@link #request}: a line with the method, a line with the URI, the rest is the body.
 */
class ApiFuzzTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);
    private static final String YAML = """
            paths:
              live/cam:
                forwardTargets:
                  - id: t1
                    url: rtsp://backup.example.com:8554/cam
              all_others: {}
            """;

    @FuzzTest
    void request(byte[] data) {
        String[] l = new String(data, StandardCharsets.UTF_8).split("\n", 3);
        QueryStringDecoder uri = new QueryStringDecoder(l.length > 1 ? l[1] : "/");
        Map<String, List<String>> query;
        try {
            query = uri.parameters();
        } catch (IllegalArgumentException e) { // HttpConn answers 400 before any handler runs
            return;
        }
        byte[] body = l.length > 2 ? l[2].getBytes(StandardCharsets.UTF_8) : new byte[0];
        HttpRequest req = new HttpRequest(l[0], uri.rawPath(), query,
                Map.of("content-type", List.of("application/json")), body, LOCAL);
        HttpReply reply = new ApiHandler(FakeControl.sample(), Authorizer.ALLOW_ALL).handle(req);
        assertThat(reply.status()).isBetween(200, 599);
    }

    @FuzzTest
    void configPatch(byte[] data) throws ConfException {
        Map<String, Object> patch;
        try {
            patch = ApiJson.parseObject(data);
        } catch (ApiException expected) {
            return;
        }
        ConfDocument doc = ConfDocument.parse(YAML, "fuzz.yml");
        List<ConfEdit> edits = Arrays.asList(
                () -> doc.withGlobalPatched(patch, "api"),
                () -> doc.withPathPatched("live/cam", patch, "api"),
                () -> doc.withPath("live/new", patch, "api"),
                () -> doc.withTarget("live/cam", patch, "api").document(),
                () -> doc.withTargetPatched("live/cam", "t1", patch, "api"));
        for (ConfEdit e : edits) {
            try {
                e.apply().conf();
            } catch (ConfException expected) {
                // the documented failure
            }
        }
    }

    private interface ConfEdit {
        ConfDocument apply() throws ConfException;
    }
}
