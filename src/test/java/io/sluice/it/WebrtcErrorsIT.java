package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Refused WHIP/WHEP requests get the documented 4xx with a reason, and nothing else is disturbed: a
 * webrtcbin publisher keeps publishing and ffmpeg keeps reading through all of them.
 */
@Timeout(120)
class WebrtcErrorsIT {

    /** A well-formed offer whose only codecs Sluice cannot take. */
    static final String H263_OFFER = offer("m=video 9 UDP/TLS/RTP/SAVPF 34\r\na=rtpmap:34 H263/90000\r\n");
    static final String H264_OFFER = offer("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\n");

    static String offer(String media) {
        return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" + media
                + "c=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\na=ice-ufrag:abcd\r\n"
                + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"
                + "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"
                + ":AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\n";
    }

    @Test
    void refusalsAreClearAndHarmless() throws Exception {
        String yaml = """
                paths:
                  secure:
                    publishUser: alice
                    publishPass: s3cret
                  live/busy:
                    overridePublisher: no   # a second publisher is refused (409), not let take over
                  all_others:
                """;
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                Peer pub = Peer.start("publish-whip.sh", sluice.whip("live/busy"), "16")) {
            WebrtcIngestIT.awaitPublisher(sluice, "live/busy", pub);

            HttpResponse<String> r = post(http, sluice.whip("live/x"), "this is not SDP");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).containsIgnoringCase("SDP");

            r = post(http, sluice.whip("live/x"), H263_OFFER);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).containsIgnoringCase("codec").contains("H263");

            r = post(http, sluice.whip("secure"), H264_OFFER);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
            r = http.send(HttpRequest.newBuilder(URI.create(sluice.whip("secure")))
                    .header("Content-Type", "application/sdp").header("Authorization", "Bearer wrong")
                    .POST(HttpRequest.BodyPublishers.ofString(H264_OFFER)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(401);

            r = post(http, sluice.whip("live/busy"), H264_OFFER);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(409);

            r = post(http, sluice.whep("live/nobody"), H264_OFFER.replace("a=sendonly", "a=recvonly"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);

            r = http.send(HttpRequest.newBuilder(URI.create(sluice.whip("live/x")))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(H264_OFFER))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(415);

            // the right Bearer token is accepted (the session then waits for ICE that never comes)
            r = http.send(HttpRequest.newBuilder(URI.create(sluice.whip("secure")))
                    .header("Content-Type", "application/sdp").header("Authorization", "Bearer s3cret")
                    .POST(HttpRequest.BodyPublishers.ofString(H264_OFFER)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/secure/whip/"));
            HttpResponse<String> d = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sluice.webrtcPort
                    + r.headers().firstValue("Location").orElseThrow())).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(d.statusCode()).isEqualTo(200);

            // through all of that the real publisher kept going
            try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/busy"), "4")) {
                reader.await(Duration.ofSeconds(40));
                Map<String, String> read = reader.result("READ");
                assertThat(read.get("video")).as(reader.output()).isEqualTo("h264");
                assertThat(Integer.parseInt(read.get("frames"))).as(reader.output()).isGreaterThan(60);
            }
        }
    }

    static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
