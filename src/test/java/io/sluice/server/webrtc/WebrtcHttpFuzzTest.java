package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * WebrtcHttpFuzzTest feeds fuzzer requests to the WHIP/WHEP router ({@link WebrtcHttpRouter}) over a
 * fake session layer: URL and route parsing, credentials (Authorization header, query), content type,
 * If-Match and the SDP or trickle body handed on. Its contract is "never throws": every failure is a
 * reply with a 4xx/5xx status.
 *
 * <p>Input layout: lines for method, URI, Content-Type, Authorization, If-Match; the rest is the body.
 */
class WebrtcHttpFuzzTest {

    @FuzzTest
    void request(byte[] data) {
        String[] l = new String(data, StandardCharsets.UTF_8).split("\n", 6);
        WebrtcHttpRequest req = new WebrtcHttpRequest(part(l, 0, "POST"), part(l, 1, "/"), part(l, 2, null),
                part(l, 3, null), part(l, 4, null), part(l, 5, ""), "127.0.0.1:1");
        WebrtcHttpReply reply = new WebrtcHttpRouter(new FakeWebrtcSessions()).handle(req);
        assertThat(reply.status()).isBetween(200, 599);
    }

    private static String part(String[] lines, int i, String absent) {
        return i < lines.length ? lines[i] : absent;
    }
}
