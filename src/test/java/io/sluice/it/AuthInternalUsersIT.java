package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * authInternalUsers with real peers (issue #7): ffmpeg publishes over RTSP as a user the list allows
 * (Digest), as one with a sha256 password (Sluice then offers Basic only), and with a wrong password
 * (401, logged without the password); a read-only user reads over RTMP and RTSP but may not publish;
 * a user limited to 127.0.0.1 gets in where a user limited to another network does not.
 */
@Timeout(240)
class AuthInternalUsersIT {
    static final int FPS = 30;
    static final String WRONG_PASS = "Wr0ng-Pa55-7f3a";

    @Test
    void usersPublishAndReadAsTheListSays() throws Exception {
        // Digest on (mediamtx's default offers Basic alone): plain passwords get both, hashed ones Basic
        String yaml = """
                rtspAuthMethods: [basic, digest]
                authInternalUsers:
                  - user: pub
                    pass: pubsecret
                    permissions:
                      - action: publish
                        path: ~^live/
                  - user: hashed
                    pass: %s
                    permissions:
                      - {action: publish, path: hashed/cam}
                  - user: viewer
                    pass: viewsecret
                    permissions:
                      - action: read
                  - user: local
                    pass: localpw
                    ips: [127.0.0.1, "::1"]
                    permissions:
                      - {action: publish, path: ip/ok}
                  - user: remote
                    pass: remotepw
                    ips: [10.0.0.0/8]
                    permissions:
                      - {action: publish, path: ip/no}
                """.formatted(sha256("hashsecret"));
        try (LogCapture logs = new LogCapture(); SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
            String url = sluice.rtsp("live/test");

            // wrong password: 401, ffmpeg gives up, no stream, and the log names the user but not the password
            try (Peer wrong = FfmpegPeer.publishH264(withUser(url, "pub", WRONG_PASS), 3, false)) {
                assertThat(wrong.await(Duration.ofSeconds(30))).as(wrong.output()).isNotZero();
                assertThat(wrong.output()).contains("401");
            }
            assertThat(stream(sluice, "live/test")).isFalse();
            assertThat(logs.messages(Level.WARN, "wrong credentials (user 'pub'")).isNotEmpty();
            // anonymous: refused too (there is no "any" user in the list)
            try (Peer anonymous = FfmpegPeer.publishH264(url, 3, false)) {
                assertThat(anonymous.await(Duration.ofSeconds(30))).as(anonymous.output()).isNotZero();
            }
            // the read-only user may not publish
            try (Peer viewer = FfmpegPeer.publishH264(withUser(url, "viewer", "viewsecret"), 3, false)) {
                assertThat(viewer.await(Duration.ofSeconds(30))).as(viewer.output()).isNotZero();
            }
            assertThat(stream(sluice, "live/test")).isFalse();

            int seconds = 14;
            try (Peer pub = FfmpegPeer.publishH264(withUser(url, "pub", "pubsecret"), seconds, true)) {
                awaitStream(sluice, "live/test", pub);
                try (Peer rtmp = FfmpegPeer.readRtmp(sluice.rtmp("live/test") + "?user=viewer&pass=viewsecret", 6);
                        Peer rtsp = FfmpegPeer.read(withUser(url, "viewer", "viewsecret"), 6);
                        Peer notReader = FfmpegPeer.readRtmp(sluice.rtmp("live/test") + "?user=pub&pass=pubsecret", 4)) {
                    for (Peer r : new Peer[] {rtmp, rtsp}) {
                        r.await(Duration.ofSeconds(40));
                        Map<String, String> m = r.result("READ");
                        assertThat(m.get("video")).as(r.output()).isEqualTo("h264");
                        assertThat(Integer.parseInt(m.get("frames"))).as(r.output()).isGreaterThan(3 * FPS);
                    }
                    notReader.await(Duration.ofSeconds(40));
                    assertThat(notReader.result("READ").get("frames")).as("publisher may not read: "
                            + notReader.output()).isEqualTo("0");
                }
                assertThat(pub.await(Duration.ofSeconds(seconds + 30))).as(pub.output()).isZero();
                // a plain password: Sluice offers Digest and Basic, ffmpeg answers Digest
                assertThat(pub.output()).contains("line='WWW-Authenticate: Digest", "line='WWW-Authenticate: Basic")
                        .contains("Authorization: Digest username=\"pub\"").doesNotContain("Authorization: Basic");
            }

            // a sha256 password cannot check a Digest answer: Sluice offers Basic alone, ffmpeg uses it
            try (Peer hashed = FfmpegPeer.publishH264(withUser(sluice.rtsp("hashed/cam"), "hashed", "hashsecret"), 4,
                    true)) {
                awaitStream(sluice, "hashed/cam", hashed);
                assertThat(hashed.await(Duration.ofSeconds(40))).as(hashed.output()).isZero();
                assertThat(hashed.output()).contains("line='WWW-Authenticate: Basic", "Authorization: Basic")
                        .doesNotContain("WWW-Authenticate: Digest");
            }

            // from 127.0.0.1: the user limited to loopback gets in, the one limited to 10.0.0.0/8 does not
            try (Peer ok = FfmpegPeer.publishH264(withUser(sluice.rtsp("ip/ok"), "local", "localpw"), 4, false);
                    Peer no = FfmpegPeer.publishH264(withUser(sluice.rtsp("ip/no"), "remote", "remotepw"), 4, false)) {
                awaitStream(sluice, "ip/ok", ok);
                assertThat(no.await(Duration.ofSeconds(30))).as(no.output()).isNotZero();
                assertThat(no.output()).contains("401");
                assertThat(stream(sluice, "ip/no")).isFalse();
                assertThat(ok.await(Duration.ofSeconds(40))).as(ok.output()).isZero();
            }

            assertThat(logs.messages(Level.WARN, WRONG_PASS)).isEmpty();
            assertThat(logs.messages(Level.INFO, WRONG_PASS)).isEmpty();
            assertThat(logs.messages(Level.DEBUG, WRONG_PASS)).isEmpty();
            assertThat(logs.messages(Level.WARN, "pubsecret")).isEmpty();
        }
    }

    static boolean stream(SluiceUnderTest sluice, String path) {
        var p = sluice.server().paths().get(path);
        return p != null && p.stream() != null;
    }

    static void awaitStream(SluiceUnderTest sluice, String path, Peer pub) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (stream(sluice, path) && sluice.server().paths().get(path).stream().packetsIn() > 30) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no stream on '" + path + "': " + pub.output());
    }

    static String withUser(String url, String user, String pass) {
        return url.replace("rtsp://", "rtsp://" + user + ":" + pass + "@");
    }

    static String sha256(String s) throws Exception {
        return "sha256:" + Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
