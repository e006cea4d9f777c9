package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * rtspAuthMethods (issue #17): the RTSP server's 401 offers exactly the schemes listed, and ffmpeg answers
 * with the one offered: Digest alone with {@code [digest]}, Basic alone with mediamtx's default.
 */
@Timeout(120)
class RtspAuthMethodsIT {
    private static final String PATHS = """
            paths:
              live/test:
                publishUser: pub
                publishPass: pubsecret
            """;

    private static String withPub(String url) {
        return url.replace("rtsp://", "rtsp://pub:pubsecret@");
    }

    private static void awaitStream(SluiceUnderTest sluice, Peer pub) throws Exception {
        assertThat(Wait.until(() -> sluice.server().paths().get("live/test").stream() != null,
                Duration.ofSeconds(20))).as(pub.output()).isTrue();
    }

    @Test
    void digestAloneIsOfferedAndFfmpegAnswersWithDigest() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("rtspAuthMethods: [digest]\n" + PATHS);
                Peer pub = FfmpegPeer.publishH264(withPub(sluice.rtsp("live/test")), 4, true)) {
            awaitStream(sluice, pub);
            assertThat(pub.await(Duration.ofSeconds(40))).as(pub.output()).isZero();
            assertThat(pub.output()).contains("line='WWW-Authenticate: Digest", "Authorization: Digest username=\"pub\"")
                    .doesNotContain("WWW-Authenticate: Basic").doesNotContain("Authorization: Basic");
        }
    }

    @Test
    void mediamtxsDefaultOffersBasicAlone() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start(PATHS);
                Peer pub = FfmpegPeer.publishH264(withPub(sluice.rtsp("live/test")), 4, true)) {
            awaitStream(sluice, pub);
            assertThat(pub.await(Duration.ofSeconds(40))).as(pub.output()).isZero();
            assertThat(pub.output()).contains("line='WWW-Authenticate: Basic", "Authorization: Basic")
                    .doesNotContain("WWW-Authenticate: Digest");
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithDigestToo() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("rtspAuthMethods: [digest]\n" + PATHS);
                Peer wrong = FfmpegPeer.publishH264(sluice.rtsp("live/test").replace("rtsp://", "rtsp://pub:nope@"), 3,
                        true)) {
            assertThat(wrong.await(Duration.ofSeconds(40))).as(wrong.output()).isNotZero();
            assertThat(wrong.output()).contains("Authorization: Digest").contains("401");
            assertThat(sluice.server().paths().get("live/test").stream()).isNull();
        }
    }
}
