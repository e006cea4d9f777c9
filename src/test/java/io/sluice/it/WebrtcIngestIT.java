package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WHIP in, every kind of reader out, driven by third-party peers: GStreamer webrtcbin and headless
 * Chromium publish with WHIP; headless Chromium plays with WHEP (decoded frames counted by the
 * browser), and ffmpeg reads the same path over RTSP, as received RTP.
 */
@Timeout(180)
class WebrtcIngestIT {
    static final int SECONDS = 12;

    @Test
    void webrtcbinPublisherToChromiumWhepReaderAndFfmpegRtspReader() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("");
                Peer pub = Peer.start("publish-whip.sh", sluice.whip("live/cam"), Integer.toString(SECONDS))) {
            awaitPublisher(sluice, "live/cam", pub);
            try (Peer whep = Peer.start("read-whep.sh", sluice.whep("live/cam"), "6");
                    Peer rtsp = Peer.start("read-rtsp.sh", sluice.rtsp("live/cam"), "6")) {
                whep.await(Duration.ofSeconds(60));
                rtsp.await(Duration.ofSeconds(60));
                Map<String, String> w = whep.result("READ");
                assertThat(w.get("video")).as(whep.output()).containsIgnoringCase("h264");
                assertThat(w.get("audio")).as(whep.output()).containsIgnoringCase("opus");
                // 6 s of 30 fps minus ICE/DTLS set-up: the browser decoded most of them
                assertThat(Integer.parseInt(w.get("frames"))).as(whep.output()).isGreaterThan(90);
                assertThat(Integer.parseInt(w.get("packets"))).as(whep.output()).isGreaterThan(100);
                Map<String, String> r = rtsp.result("READ");
                assertThat(r.get("video")).as(rtsp.output()).isEqualTo("h264");
                assertThat(r.get("audio")).as(rtsp.output()).isEqualTo("opus");
                assertThat(Integer.parseInt(r.get("frames"))).as(rtsp.output()).isGreaterThan(90);
            }
            assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            assertThat(pub.result("PUBLISHED").get("http")).as(pub.output()).isEqualTo("201");
        }
    }

    @Test
    void chromiumPublisherToFfmpegRtspReader() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("");
                Peer pub = Peer.start("publish-whip-chromium.sh", sluice.whip("live/browser"),
                        Integer.toString(SECONDS))) {
            awaitPublisher(sluice, "live/browser", pub);
            try (Peer rtsp = Peer.start("read-rtsp.sh", sluice.rtsp("live/browser"), "6")) {
                rtsp.await(Duration.ofSeconds(60));
                Map<String, String> r = rtsp.result("READ");
                assertThat(r.get("video")).as(rtsp.output()).isEqualTo("h264");
                assertThat(r.get("audio")).as(rtsp.output()).isEqualTo("opus");
                // a canvas source sends fewer than 30 fps when nothing changes; it moves, so expect most
                assertThat(Integer.parseInt(r.get("frames"))).as(rtsp.output()).isGreaterThan(60);
            }
            pub.await(Duration.ofSeconds(SECONDS + 40));
            Map<String, String> p = pub.result("PUBLISHED");
            assertThat(p.get("http")).as(pub.output()).isEqualTo("201");
            assertThat(p.get("state")).as(pub.output()).isEqualTo("connected");
        }
    }

    /** Waits until the publisher's stream is on the path (ICE + DTLS done and media flowing). */
    static void awaitPublisher(SluiceUnderTest sluice, String path, Peer pub) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var p = sluice.server().paths().get(path);
            if (p != null && p.stream() != null && p.stream().packetsIn() > 50) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no media from the WHIP publisher on '" + path + "': " + pub.output());
    }
}
