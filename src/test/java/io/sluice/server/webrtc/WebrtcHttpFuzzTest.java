package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sluice.net.http.HttpReply;
import io.sluice.net.http.HttpRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WebrtcHttpFuzzTest feeds fuzzer requests, parsed as net/http's listener would, to the WHIP/WHEP router
 * ({@link WebrtcHttpRouter}) over a fake session layer: URL and route parsing, credentials (Authorization header, query), content type,
 * If-Match and the SDP or trickle body handed on. Its contract is "never throws": every failure is a
 * reply with a 4xx/5xx status.
 *
 * <p>Input layout: lines for method, URI, Content-Type, Authorization, If-Match; the rest is the body.
 */
class WebrtcHttpFuzzTest {

    @FuzzTest
    void request(byte[] data) {
        String[] l = new String(data, StandardCharsets.UTF_8).split("\n", 6);
        QueryStringDecoder uri = new QueryStringDecoder(part(l, 1, "/"));
        Map<String, List<String>> query;
        try {
            query = uri.parameters();
        } catch (IllegalArgumentException e) { // the listener refuses a bad query before any handler
            return;
        }
        Map<String, List<String>> headers = new HashMap<>();
        header(headers, "content-type", part(l, 2, null));
        header(headers, "authorization", part(l, 3, null));
        header(headers, "if-match", part(l, 4, null));
        HttpRequest req = new HttpRequest(part(l, 0, "POST"), uri.rawPath(), query, headers,
                part(l, 5, "").getBytes(StandardCharsets.UTF_8), new InetSocketAddress("127.0.0.1", 1));
        HttpReply reply = new WebrtcHttpRouter(new FakeWebrtcSessions()).handle(req);
        assertThat(reply.status()).isBetween(200, 599);
    }

    private static void header(Map<String, List<String>> headers, String name, String value) {
        if (value != null) {
            headers.put(name, List.of(value));
        }
    }

    private static String part(String[] lines, int i, String absent) {
        return i < lines.length ? lines[i] : absent;
    }
}
