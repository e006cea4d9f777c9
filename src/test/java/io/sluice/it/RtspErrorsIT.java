package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RTSP error responses: a busy path, malformed bytes, an oversized header, a missing stream and an
 * invalid SDP each get a clear status, and none of them disturbs the sessions already running.
 */
@Timeout(180)
class RtspErrorsIT {
    static final int FPS = 30;

    @Test
    void secondPublisherIsRefusedAndTheFirstContinues() throws Exception {
        int a = Ports.tcp();
        int seconds = 10;
        String yaml = """
                paths:
                  live/test:
                    overridePublisher: no   # mediamtx's default (yes) would let the second take over
                    forwardTargets:
                      - url: rtsp://127.0.0.1:%d/live/a
                        reconnectDelay: 500ms
                        rtspConfig: {transport: tcp}
                """.formatted(a);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sink = Peer.start("sink-rtsp.sh", Integer.toString(a), "live/a", Integer.toString(seconds + 5))) {
            Thread.sleep(500);
            try (Peer first = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(seconds))) {
                Thread.sleep(2500);
                try (Peer second = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), "3")) {
                    assertThat(second.await(Duration.ofSeconds(30))).as(second.output()).isNotZero();
                    // ffmpeg: "method ANNOUNCE failed: 403 Forbidden"
                    assertThat(second.output()).contains("403");
                }
                assertThat(first.await(Duration.ofSeconds(seconds + 30))).as(first.output()).isZero();
            }
            sink.await(Duration.ofSeconds(60));
            Map<String, String> r = sink.result("RECEIVED");
            assertThat(r.get("video")).isEqualTo("h264");
            assertThat(r.get("sessions")).as("the forward session was never interrupted").isEqualTo("1");
            // a refused second publisher costs the first one's target nothing
            assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(seconds * FPS, FPS));
        }
    }

    @Test
    void malformedRequestsAreRefusedWhileASessionRuns() throws Exception {
        int seconds = 10;
        try (SluiceUnderTest sluice = SluiceUnderTest.start("");
                Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(seconds))) {
            Thread.sleep(1500);
            try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/test"), "7")) {
                Thread.sleep(1000);
                // Garbage instead of a request line.
                try (RawRtsp raw = new RawRtsp(sluice.rtspPort)) {
                    raw.send("\u0001\u0002GARBAGE \u00ff\u00fe nothing RTSP here\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    RawRtsp.Response r = raw.response();
                    assertThat(r.status()).as(r.toString()).isBetween(400, 499);
                    assertThat(raw.closedByServer()).isTrue();
                }
                // A header block beyond the decoder's limit (8 KiB), never terminated.
                try (RawRtsp raw = new RawRtsp(sluice.rtspPort)) {
                    raw.send(("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX-Big: " + "a".repeat(20_000))
                            .getBytes(StandardCharsets.US_ASCII));
                    RawRtsp.Response r = raw.response();
                    assertThat(r.status()).as(r.toString()).isBetween(400, 499);
                    assertThat(raw.closedByServer()).isTrue();
                }
                try (RawRtsp raw = new RawRtsp(sluice.rtspPort)) {
                    RawRtsp.Response r = raw.request("DESCRIBE", sluice.rtsp("live/nothing"), 1, null);
                    assertThat(r.status()).as(r.toString()).isEqualTo(404);
                    // The connection stays usable after a refusal.
                    r = raw.request("OPTIONS", sluice.rtsp("live/nothing"), 2, null);
                    assertThat(r.status()).isEqualTo(200);
                    r = raw.request("ANNOUNCE", sluice.rtsp("live/bad"), 3,
                            "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nm=video notaport RTP/AVP 96\r\n",
                            "Content-Type: application/sdp");
                    assertThat(r.status()).as(r.toString()).isEqualTo(400);
                    assertThat(r.body()).contains("invalid SDP", "invalid port \"notaport\"");
                    r = raw.request("ANNOUNCE", sluice.rtsp("live/bad"), 4, "hello", "Content-Type: application/sdp");
                    assertThat(r.status()).as(r.toString()).isEqualTo(400);
                    assertThat(r.body()).contains("invalid SDP");
                }
                assertThat(sluice.server().paths().get("live/bad")).satisfiesAnyOf(
                        p -> assertThat(p).isNull(), p -> assertThat(p.stream()).isNull());
                reader.await(Duration.ofSeconds(40));
                Map<String, String> r = reader.result("READ");
                assertThat(r.get("video")).isEqualTo("h264");
                assertThat(Integer.parseInt(r.get("frames"))).as(reader.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless(6 * FPS, FPS));
            }
            assertThat(pub.await(Duration.ofSeconds(seconds + 30))).as(pub.output()).isZero();
        }
    }
}
