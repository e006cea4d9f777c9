package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The read-replica recipe: an edge Sluice with {@code ~^(.+)$: {source: rtsp://origin/$G1, sourceOnDemand: yes}}
 * in front of an origin Sluice fed by ffmpeg. The origin sees no reader before the edge has one; RTSP, RTMP and
 * SRT readers (ffmpeg) of the edge make one pull and each gets frames; the pull ends closeAfter after the last
 * edge reader left (the origin has no reader session any more); a reader of a dead origin gets 503 after the
 * start timeout.
 *
 * <p>The edge pulls over RTSP ({@link #SCHEME}), mediamtx's read-replica recipe; over RTMP it passes as well
 * (283/284/280 video frames when it was written).
 */
@Timeout(180)
class OnDemandEdgeIT {
    private static final Duration CLOSE_AFTER = Duration.ofSeconds(3);
    private static final int READ_SECONDS = 10;
    /** How the edge pulls: "rtmp" or "rtsp". */
    private static final String SCHEME = "rtsp";

    @Test
    void anEdgePullsFromTheOriginOnlyWhileItHasReaders() throws Exception {
        try (SluiceUnderTest origin = SluiceUnderTest.start("""
                paths:
                  live/cam: {}
                """);
                Peer pub = Peer.start("publish-rtsp.sh", origin.rtsp("live/cam"), "90")) {
            assertThat(Wait.until(() -> origin.server().paths().get("live/cam").stream() != null,
                    Duration.ofSeconds(20))).as("the origin has its stream").isTrue();
            int deadPort = Ports.tcp(); // nothing listens there
            try (SluiceUnderTest edge = SluiceUnderTest.start("""
                    paths:
                      "~^dead/(.+)$":
                        source: %s://127.0.0.1:%d/$G1
                        sourceOnDemand: yes
                        sourceOnDemandStartTimeout: 2s
                      "~^(.+)$":
                        source: %s://127.0.0.1:%d/$G1
                        sourceOnDemand: yes
                        sourceOnDemandCloseAfter: %ds
                    """.formatted(SCHEME, deadPort, SCHEME,
                            SCHEME.equals("rtsp") ? origin.rtspPort : origin.rtmpPort, CLOSE_AFTER.toSeconds()))) {
                Thread.sleep(1500);
                assertThat(origin.server().paths().sessions().readers("live/cam"))
                        .as("no pull before an edge reader").isZero();

                long lastLeft;
                try (Peer rtsp = Peer.start("read-rtsp.sh", edge.rtsp("live/cam"), Integer.toString(READ_SECONDS));
                        Peer rtmp = Peer.start("read-rtmp.sh", edge.rtmp("live/cam"), Integer.toString(READ_SECONDS));
                        Peer srt = Peer.start("read-srt.sh", edge.srt(), "read:live/cam",
                                Integer.toString(READ_SECONDS))) {
                    assertThat(Wait.until(() -> edge.server().paths().sessions().readers("live/cam") == 3,
                            Duration.ofSeconds(15))).as("three edge readers").isTrue();
                    assertThat(origin.server().paths().sessions().readers("live/cam"))
                            .as("one pull at the origin for three edge readers").isEqualTo(1);
                    long deadline = System.nanoTime() + Duration.ofSeconds(READ_SECONDS + 20).toNanos();
                    while (edge.server().paths().sessions().readers("live/cam") > 0 && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    lastLeft = System.nanoTime();
                    // The pull stays for closeAfter after the last edge reader: still there 1 s before its end.
                    Thread.sleep(CLOSE_AFTER.toMillis() - 1000);
                    assertThat(origin.server().paths().sessions().readers("live/cam"))
                            .as("the pull is kept during closeAfter").isEqualTo(1);
                    for (Peer p : java.util.List.of(rtsp, rtmp, srt)) {
                        p.await(Duration.ofSeconds(READ_SECONDS + 70));
                        System.out.println("edge reader: " + p.result("READ"));
                    }
                    // Each waited for the pull (RTSP session, then a keyframe: GOP 1 s) and ffmpeg probes 1 s: at
                    // least 5 s of the 30 fps video and 46.9 fps AAC must have come of its 10 s.
                    MediaChecks.assertRead(rtsp, 150, 230);
                    MediaChecks.assertRead(rtmp, 150, 230);
                    MediaChecks.assertRead(srt, 150, 230);
                }
                assertThat(Wait.until(() -> origin.server().paths().sessions().readers("live/cam") == 0,
                        CLOSE_AFTER.plusSeconds(10))).as("the pull ended").isTrue();
                long afterLastMs = (System.nanoTime() - lastLeft) / 1_000_000;
                System.out.println("pull ended within " + afterLastMs + " ms of the last edge reader");
                assertThat(afterLastMs).isLessThan(CLOSE_AFTER.toMillis() + 60_000); // (readers' scripts included)

                try (RawRtsp raw = new RawRtsp(edge.rtspPort)) {
                    long t0 = System.nanoTime();
                    raw.send(("DESCRIBE " + edge.rtsp("dead/cam") + " RTSP/1.0\r\nCSeq: 1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    RawRtsp.Response r = raw.response();
                    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(r.status()).as(r.body()).isEqualTo(503);
                    assertThat(r.body()).contains("dead/cam").contains("did not come up within 2s");
                    assertThat(waitedMs).isGreaterThanOrEqualTo(1900).isLessThan(4500);
                }
            }
        }
    }
}
