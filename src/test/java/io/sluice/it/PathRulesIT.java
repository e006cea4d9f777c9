package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #15: one path-name rule on every protocol, maxPaths and maxReaders. Third-party clients (ffmpeg for
 * RTSP, RTMP and SRT, curl for WHIP/WHEP, raw RTSP requests for bytes ffmpeg will not send) ask for bad names
 * and for one path or reader too many; each is refused with its protocol's own error and counted in
 * {@code sluice_refused_total{protocol,cause}} on /metrics, while a good stream on the same server goes on
 * losing nothing.
 */
@Timeout(300)
class PathRulesIT {
    static final int FPS = 30;
    private static final Duration PEER_END = Duration.ofSeconds(40);

    @Test
    void badNamesAreRefusedOnEveryProtocolWhileAGoodNameWorks() throws Exception {
        int seconds = 16;
        try (SluiceUnderTest sluice = SluiceUnderTest.start("");
                Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/good"), Integer.toString(seconds))) {
            awaitStream(sluice, "live/good", pub);
            int readSeconds = 11;
            try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/good"), Integer.toString(readSeconds))) {
                // RTSP, ffmpeg: the URL path is percent-decoded before the rule, so %20 is a space
                try (Peer bad = Peer.start("publish-rtsp.sh", sluice.rtsp("bad%20name"), "3")) {
                    assertThat(bad.await(PEER_END)).as(bad.output()).isNotZero();
                    assertThat(bad.output()).contains("400");
                }
                // RTSP, raw requests: what ffmpeg never sends (a control character, non-ASCII)
                try (RawRtsp raw = new RawRtsp(sluice.rtspPort)) {
                    RawRtsp.Response r = raw.request("DESCRIBE", sluice.rtsp("live/a%01b"), 1, null);
                    assertThat(r.status()).as(r.toString()).isEqualTo(400);
                    assertThat(r.body()).contains("a control character (U+0001) at offset 6");
                    r = raw.request("ANNOUNCE", sluice.rtsp("caf%C3%A9?user=x&pass=y"), 2,
                            "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\n", "Content-Type: application/sdp");
                    assertThat(r.status()).as(r.toString()).isEqualTo(400);
                    assertThat(r.body()).contains("non-ASCII character").doesNotContain("pass");
                    // the query and a trackID suffix are not part of the name: a good name passes the rule
                    r = raw.request("DESCRIBE", sluice.rtsp("live/good?user=a&pass=b"), 3, null);
                    assertThat(r.status()).as(r.toString()).isEqualTo(200);
                }
                // RTMP, ffmpeg: app/stream are AMF strings, taken as they are (ffmpeg cannot send a space: it
                // reads "live/bad name" as librtmp-style options and publishes to "live/bad")
                try (Peer bad = Peer.start("publish-rtmp.sh", sluice.rtmp("live/bad%20name"), "3");
                        Peer badReader = Peer.start("read-rtmp.sh", sluice.rtmp("live/x,y"), "4")) {
                    assertThat(bad.await(PEER_END)).as(bad.output()).isNotZero();
                    // ffmpeg: "Server error: path name 'live/bad%20name' has '%' (U+0025) at offset 8; ..."
                    assertThat(bad.output()).contains("path name 'live/bad").contains("at offset 8");
                    badReader.await(PEER_END);
                    assertThat(badReader.result("READ").get("video")).as(badReader.output()).isEqualTo("none");
                }
                // SRT, ffmpeg: the stream id is refused in the handshake (SRT_REJX_BAD_REQUEST)
                try (Peer bad = Peer.start("publish-srt.sh", sluice.srt(), "publish:bad%20name", "3");
                        Peer badReader = Peer.start("read-srt.sh", sluice.srt(), "read:live/g%C3%BCt", "4")) {
                    assertThat(bad.await(PEER_END)).as(bad.output()).isNotZero();
                    badReader.await(PEER_END);
                    assertThat(badReader.result("READ").get("video")).as(badReader.output()).isEqualTo("none");
                }
                // WHIP and WHEP, curl
                Http whip = curlPost(sluice.whip("bad%20name"), "v=0\r\n");
                assertThat(whip.status).as(whip.body).isEqualTo(400);
                assertThat(whip.body).contains("has a space (U+0020)");
                Http whep = curlPost(sluice.whep("caf%C3%A9"), "v=0\r\n");
                assertThat(whep.status).as(whep.body).isEqualTo(400);
                assertThat(whep.body).contains("non-ASCII character");

                reader.await(PEER_END);
                Map<String, String> r = reader.result("READ");
                assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
                // ffmpeg probes ~1 s and joins at a keyframe (1 s GOP): the rest arrived whole
                assertThat(Integer.parseInt(r.get("frames"))).as(reader.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless((readSeconds - 2) * FPS, FPS));
            }
            String metrics = curlGet(sluice.metrics()).body;
            assertThat(refused(metrics, "rtsp", "bad_path_name")).as(metrics).isEqualTo(3);
            assertThat(refused(metrics, "rtmp", "bad_path_name")).as(metrics).isEqualTo(2);
            assertThat(refused(metrics, "srt", "bad_path_name")).as(metrics).isGreaterThanOrEqualTo(2);
            assertThat(refused(metrics, "webrtc", "bad_path_name")).as(metrics).isEqualTo(2);
            assertThat(sluice.server().paths().paths()).extracting(p -> p.name()).containsExactly("live/good");
            assertThat(pub.await(PEER_END)).as(pub.output()).isZero();
        }
    }

    @Test
    void maxReadersRefusesTheSecondReaderOfEveryProtocolAndTheFirstKeepsEveryFrame() throws Exception {
        int seconds = 18;
        String yaml = """
                paths:
                  live/cam:
                    maxReaders: 1
                """;
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/cam"), Integer.toString(seconds))) {
            awaitStream(sluice, "live/cam", pub);
            int readSeconds = 12;
            try (Peer first = Peer.start("read-rtsp.sh", sluice.rtsp("live/cam"), Integer.toString(readSeconds))) {
                assertThat(Wait.until(() -> sluice.server().paths().sessions().readers("live/cam") == 1,
                        Duration.ofSeconds(10))).as(first.output()).isTrue();
                try (Peer second = Peer.start("read-rtsp.sh", sluice.rtsp("live/cam"), "4");
                        Peer rtmp = Peer.start("read-rtmp.sh", sluice.rtmp("live/cam"), "4");
                        Peer srt = Peer.start("read-srt.sh", sluice.srt(), "read:live/cam", "4")) {
                    second.await(PEER_END);
                    rtmp.await(PEER_END);
                    srt.await(PEER_END);
                    // ffmpeg: "method DESCRIBE failed: 503 Service Unavailable"
                    assertThat(second.output()).contains("503");
                    for (Peer p : List.of(second, rtmp, srt)) {
                        assertThat(p.result("READ").get("video")).as(p.output()).isEqualTo("none");
                    }
                }
                Http whep = curlPost(sluice.whep("live/cam"), "v=0\r\n");
                assertThat(whep.status).as(whep.body).isEqualTo(503);
                assertThat(whep.body).contains("maxReaders 1");

                first.await(PEER_END);
                Map<String, String> r = first.result("READ");
                assertThat(r.get("video")).as(first.output()).isEqualTo("h264");
                assertThat(Integer.parseInt(r.get("frames"))).as(first.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless((readSeconds - 2) * FPS, FPS));
            }
            String metrics = curlGet(sluice.metrics()).body;
            assertThat(refused(metrics, "rtsp", "max_readers")).as(metrics).isGreaterThanOrEqualTo(1);
            assertThat(refused(metrics, "rtmp", "max_readers")).as(metrics).isEqualTo(1);
            assertThat(refused(metrics, "srt", "max_readers")).as(metrics).isGreaterThanOrEqualTo(1);
            assertThat(refused(metrics, "webrtc", "max_readers")).as(metrics).isEqualTo(1);
            // once the first reader left there is room again
            try (Peer again = Peer.start("read-rtsp.sh", sluice.rtsp("live/cam"), "4")) {
                again.await(PEER_END);
                assertThat(again.result("READ").get("video")).as(again.output()).isEqualTo("h264");
            }
            assertThat(pub.await(PEER_END)).as(pub.output()).isZero();
        }
    }

    @Test
    void maxPathsRefusesTheThirdPublisherOfEveryProtocol() throws Exception {
        int seconds = 14;
        try (SluiceUnderTest sluice = SluiceUnderTest.start("maxPaths: 2\n");
                Peer a = Peer.start("publish-rtsp.sh", sluice.rtsp("live/a"), Integer.toString(seconds));
                Peer b = Peer.start("publish-rtmp.sh", sluice.rtmp("live/b"), Integer.toString(seconds))) {
            awaitStream(sluice, "live/a", a);
            awaitStream(sluice, "live/b", b);
            try (Peer rtsp = Peer.start("publish-rtsp.sh", sluice.rtsp("live/c"), "3");
                    Peer rtmp = Peer.start("publish-rtmp.sh", sluice.rtmp("live/d"), "3");
                    Peer srt = Peer.start("publish-srt.sh", sluice.srt(), "publish:live/e", "3")) {
                assertThat(rtsp.await(PEER_END)).as(rtsp.output()).isNotZero();
                assertThat(rtsp.output()).contains("503");
                assertThat(rtmp.await(PEER_END)).as(rtmp.output()).isNotZero();
                assertThat(rtmp.output()).contains("maxPaths 2");
                assertThat(srt.await(PEER_END)).as(srt.output()).isNotZero();
            }
            Http whip = curlPost(sluice.whip("live/f"), "v=0\r\n");
            assertThat(whip.status).as(whip.body).isEqualTo(503);
            assertThat(whip.body).contains("maxPaths 2");
            String metrics = curlGet(sluice.metrics()).body;
            assertThat(refused(metrics, "rtsp", "max_paths")).as(metrics).isEqualTo(1);
            assertThat(refused(metrics, "rtmp", "max_paths")).as(metrics).isEqualTo(1);
            assertThat(refused(metrics, "srt", "max_paths")).as(metrics).isGreaterThanOrEqualTo(1);
            assertThat(refused(metrics, "webrtc", "max_paths")).as(metrics).isEqualTo(1);
            assertThat(sluice.server().paths().paths()).extracting(p -> p.name())
                    .containsExactlyInAnyOrder("live/a", "live/b");
            // the two publishers were never disturbed
            assertThat(a.await(PEER_END)).as(a.output()).isZero();
            assertThat(b.await(PEER_END)).as(b.output()).isZero();
        }
    }

    private static void awaitStream(SluiceUnderTest sluice, String path, Peer pub) throws Exception {
        assertThat(Wait.until(() -> {
            var p = sluice.server().paths().get(path);
            return p != null && p.stream() != null;
        }, Duration.ofSeconds(20))).as(pub.output()).isTrue();
    }

    /** The value of sluice_refused_total for one protocol and cause; 0 when absent. */
    static long refused(String metrics, String protocol, String cause) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("sluice_refused_total{") && line.contains("protocol=\"" + protocol + "\"")
                    && line.contains("cause=\"" + cause + "\"")) {
                Matcher m = Pattern.compile("}\\s+([0-9.eE+]+)").matcher(line);
                if (m.find()) {
                    return (long) Double.parseDouble(m.group(1));
                }
            }
        }
        return 0;
    }

    private record Http(int status, String body) {
    }

    private static Http curlPost(String url, String body) throws Exception {
        return curl(List.of("-X", "POST", "-H", "Content-Type: application/sdp", "--data-binary", body, url));
    }

    private static Http curlGet(String url) throws Exception {
        return curl(List.of(url));
    }

    /** curl, bounded in time; the status comes last on its own line. */
    private static Http curl(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "2", "20", "curl", "-sS", "--globoff",
                "-w", "\nHTTP_STATUS=%{http_code}\n"));
        cmd.addAll(args);
        try (Peer p = Peer.command("curl", Map.of(), cmd)) {
            p.await(Duration.ofSeconds(30));
            String out = p.output();
            int at = out.lastIndexOf("HTTP_STATUS=");
            assertThat(at).as(out).isNotNegative();
            return new Http(Integer.parseInt(out.substring(at + "HTTP_STATUS=".length()).strip()),
                    out.substring(0, at));
        }
    }
}
