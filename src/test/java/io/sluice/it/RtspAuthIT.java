package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * RTSP credentials, both ways: ffmpeg publishing and reading a path with publishUser/readUser, and
 * Sluice's forwarder pushing to a second Sluice that requires publish credentials.
 */
@Timeout(180)
class RtspAuthIT {
    static final int FPS = 30;
    /**
     * Readers of 4 s that first fail and retry authentication: how much of the window the retries take is not
     * measured, so this checks that the stream flows to an authorized reader, not that nothing is lost.
     */
    static final double MIN_SHARE = 0.8;

    @Test
    void publisherAndReaderNeedTheirCredentials() throws Exception {
        String yaml = """
                rtspAuthMethods: [basic, digest]
                paths:
                  live/test:
                    publishUser: pub
                    publishPass: pubsecret
                    readUser: viewer
                    readPass: viewsecret
                """;
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
            String url = sluice.rtsp("live/test");
            String withPub = url.replace("rtsp://", "rtsp://pub:pubsecret@");

            // Wrong credentials: ffmpeg's ANNOUNCE is refused, it exits non-zero, no stream appears.
            try (Peer wrong = FfmpegPeer.publishH264(url.replace("rtsp://", "rtsp://pub:nope@"), 3, false)) {
                int rc = wrong.await(Duration.ofSeconds(30));
                assertThat(rc).as(wrong.output()).isNotZero();
                assertThat(wrong.output()).contains("401");
                assertThat(sluice.server().paths().get("live/test").stream()).isNull();
            }
            try (Peer anonymous = FfmpegPeer.publishH264(url, 3, false)) {
                assertThat(anonymous.await(Duration.ofSeconds(30))).as(anonymous.output()).isNotZero();
                assertThat(sluice.server().paths().get("live/test").stream()).isNull();
            }

            int seconds = 10;
            try (Peer pub = FfmpegPeer.publishH264(withPub, seconds, true)) {
                Thread.sleep(2000);
                assertThat(sluice.server().paths().get("live/test").stream()).as(pub.output()).isNotNull();

                // Sluice offers Digest and Basic in its 401; credentials go in either.
                try (RawRtsp raw = new RawRtsp(sluice.rtspPort)) {
                    RawRtsp.Response r = raw.request("DESCRIBE", url, 1, null);
                    assertThat(r.status()).isEqualTo(401);
                    assertThat(r.all("WWW-Authenticate")).anyMatch(h -> h.startsWith("Digest "))
                            .anyMatch(h -> h.startsWith("Basic "));
                    r = raw.request("DESCRIBE", url, 2, null, basic("viewer", "wrong"));
                    assertThat(r.status()).isEqualTo(401);
                    r = raw.request("DESCRIBE", url, 3, null, basic("pub", "pubsecret"));
                    assertThat(r.status()).as("publish credentials do not grant reading").isEqualTo(401);
                    r = raw.request("DESCRIBE", url, 4, null, basic("viewer", "viewsecret"), "Accept: application/sdp");
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.body()).contains("m=video", "H264");
                }
                try (Peer noCreds = Peer.start("read-rtsp.sh", url, "3");
                        Peer reader = FfmpegPeer.read(url.replace("rtsp://", "rtsp://viewer:viewsecret@"), 6)) {
                    noCreds.await(Duration.ofSeconds(40));
                    Map<String, String> nr = noCreds.result("READ");
                    assertThat(nr.get("frames")).as(noCreds.output()).isEqualTo("0");
                    assertThat(noCreds.output()).contains("401");
                    reader.await(Duration.ofSeconds(40));
                    Map<String, String> rr = reader.result("READ");
                    assertThat(rr.get("video")).as(reader.output()).isEqualTo("h264");
                    assertThat(rr.get("audio")).isEqualTo("aac");
                    assertThat(Integer.parseInt(rr.get("frames"))).as(reader.output())
                            .isGreaterThanOrEqualTo((int) (4 * FPS * MIN_SHARE));
                }
                assertThat(pub.await(Duration.ofSeconds(seconds + 30))).as(pub.output()).isZero();
                // ffmpeg got both challenges and chose Digest (the stronger one), as RFC 7616 asks.
                assertThat(pub.output()).contains("line='WWW-Authenticate: Digest", "line='WWW-Authenticate: Basic")
                        .contains("Authorization: Digest username=\"pub\"")
                        .doesNotContain("Authorization: Basic");
            }
        }
    }

    @Test
    void forwarderAuthenticatesAtASecondSluice() throws Exception {
        String targetYaml = """
                paths:
                  live/b: {publishUser: fwd, publishPass: fwdsecret}
                  live/c: {publishUser: fwd, publishPass: fwdsecret}
                  live/d: {publishUser: fwd, publishPass: fwdsecret}
                """;
        String wrongPass = "Wr0ngPassw0rd-xyz";
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger sluiceLog = (Logger) LoggerFactory.getLogger("io.sluice");
        logs.start();
        sluiceLog.addAppender(logs);
        try (SluiceUnderTest target = SluiceUnderTest.start(targetYaml)) {
            String yaml = """
                    paths:
                      live/test:
                        forwardTargets:
                          - id: creds
                            url: %s
                            username: fwd
                            password: fwdsecret
                            reconnectDelay: 500ms
                            rtspConfig: {transport: tcp}
                          - id: userinfo
                            url: %s
                            reconnectDelay: 500ms
                            rtspConfig: {transport: tcp}
                          - id: wrong
                            url: %s
                            username: fwd
                            password: %s
                            reconnectDelay: 500ms
                            rtspConfig: {transport: tcp}
                    """.formatted(target.rtsp("live/b"),
                    target.rtsp("live/c").replace("rtsp://", "rtsp://fwd:fwdsecret@"),
                    target.rtsp("live/d"), wrongPass);
            int seconds = 10;
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                    Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(seconds))) {
                Thread.sleep(2500);
                assertThat(target.server().paths().get("live/b").stream()).as("username/password target").isNotNull();
                assertThat(target.server().paths().get("live/c").stream()).as("URL userinfo target").isNotNull();
                assertThat(target.server().paths().get("live/d").stream()).as("wrong password target").isNull();
                try (Peer readB = Peer.start("read-rtsp.sh", target.rtsp("live/b"), "6");
                        Peer readC = Peer.start("read-rtsp.sh", target.rtsp("live/c"), "6")) {
                    for (Peer r : List.of(readB, readC)) {
                        r.await(Duration.ofSeconds(40));
                        Map<String, String> m = r.result("READ");
                        assertThat(m.get("video")).as(r.output()).isEqualTo("h264");
                        assertThat(m.get("audio")).isEqualTo("aac");
                        assertThat(Integer.parseInt(m.get("frames"))).as(r.output())
                                .isGreaterThanOrEqualTo((int) (4 * FPS * MIN_SHARE));
                    }
                }
                List<DestStats> stats = sluice.server().paths().get("live/test").forwardStats();
                assertThat(stats).extracting(DestStats::id).containsExactly("creds", "userinfo", "wrong");
                assertThat(stats.get(0).state()).isEqualTo(DestState.FORWARDING);
                assertThat(stats.get(1).state()).isEqualTo(DestState.FORWARDING);
                DestStats wrong = stats.get(2);
                assertThat(wrong.state()).isIn(DestState.BACKOFF, DestState.CONNECTING);
                assertThat(wrong.lastError()).contains("401").containsIgnoringCase("authentication")
                        .doesNotContain(wrongPass);
                assertThat(wrong.reconnects()).isPositive();
                assertThat(stats.get(1).url()).doesNotContain("fwdsecret");
                pub.await(Duration.ofSeconds(seconds + 30));
            }
        } finally {
            sluiceLog.detachAppender(logs);
        }
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(wrongPass)
                || e.getFormattedMessage().contains("fwdsecret")
                || e.getThrowableProxy() != null && e.getThrowableProxy().getMessage() != null
                        && e.getThrowableProxy().getMessage().contains(wrongPass));
    }

    private static String basic(String user, String pass) {
        return "Authorization: Basic "
                + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
    }
}
