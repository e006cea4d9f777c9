package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.path.Path;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A WHIP takeover happens when the newcomer really publishes, not at its POST (issue #18): ffmpeg publishes
 * over RTSP and an ffmpeg reader counts its frames; a raw WHIP POST with a valid offer, whose client never
 * does ICE, gets its answer (201) but leaves the publisher and the reader alone; a real WHIP publisher
 * (GStreamer webrtcbin) then takes the path over and the RTSP publisher is disconnected.
 */
@Timeout(150)
class WhipTakeoverIT {
    private static final int FPS = 30;

    @Test
    void aWhipClientThatNeverConnectsDoesNotKickTheWorkingPublisher() throws Exception {
        int readSeconds = 12;
        try (SluiceUnderTest sluice = SluiceUnderTest.start("paths:\n  live/cam:\n");
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                Peer first = FfmpegPeer.publishH264(sluice.rtsp("live/cam"), 60, false)) {
            Path path = sluice.server().paths().get("live/cam");
            assertThat(Wait.until(() -> path.stream() != null && path.stream().packetsIn() > 50,
                    Duration.ofSeconds(15))).as(first.output()).isTrue();
            String firstWho = path.publisherDescription();
            assertThat(firstWho).startsWith("rtspSession");
            try (Peer reader = FfmpegPeer.read(sluice.rtsp("live/cam"), readSeconds)) {
                Thread.sleep(3000);
                // offers but never answers ICE: the session waits for its connect timeout (20 s)
                HttpResponse<String> r = WebrtcErrorsIT.post(http, sluice.whip("live/cam"), WebrtcErrorsIT.H264_OFFER);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                assertThat(r.body()).contains("a=ice-ufrag:");
                Thread.sleep(3000);
                assertThat(path.publisherDescription()).as("the POST alone takes nothing").isEqualTo(firstWho);
                assertThat(first.isAlive()).as(first.output()).isTrue();

                reader.await(Duration.ofSeconds(readSeconds + 60));
                int frames = Integer.parseInt(reader.result("READ").get("frames"));
                // the reader joins at a keyframe (1 s GOP) and ffmpeg probes ~1 s: nothing else may be missing
                assertThat(frames).as(reader.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless(FPS * (readSeconds - 2), FPS));
                System.out.printf("WHIP_TAKEOVER reader frames=%d of ~%d while a dead WHIP session waited%n",
                        frames, FPS * readSeconds);
            }
            assertThat(first.isAlive()).as(first.output()).isTrue();

            // a WHIP publisher that connects does take the path over
            long posted = System.nanoTime();
            try (Peer whip = Peer.start("publish-whip.sh", sluice.whip("live/cam"), "20")) {
                assertThat(Wait.until(() -> String.valueOf(path.publisherDescription()).startsWith("webrtcSession"),
                        Duration.ofSeconds(20))).as(whip.output()).isTrue();
                first.await(Duration.ofSeconds(10));
                assertThat(first.isAlive()).as("the RTSP publisher is disconnected: " + first.output()).isFalse();
                WebrtcIngestIT.awaitPublisher(sluice, "live/cam", whip);
                System.out.printf("WHIP_TAKEOVER the connected WHIP publisher took over after %.1f s%n",
                        (System.nanoTime() - posted) / 1e9);
            }
        }
    }
}
