package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mediamtx's {@code fallback} (issue #17): an RTSP DESCRIBE of a path without a stream is answered 302 with
 * the fallback, a path of the same server or an RTSP URL, and ffprobe/ffmpeg follow it; once the path has
 * its own stream, readers get that one. The external fallback is GStreamer's RTSP server (640x360), the
 * local one a path ffmpeg publishes at 320x180, and the path's own publisher sends 160x90.
 */
@Timeout(150)
class RtspFallbackIT {

    /** Codec and size of the video ffprobe finds at {@code url} (following redirects), e.g. "h264,320,180". */
    private static String probe(String url) throws Exception {
        Process p = new ProcessBuilder("timeout", "-k", "3", "25", "ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                "-select_streams", "v", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return out;
    }

    @Test
    void readersOfAPathWithoutStreamFollowTheFallback() throws Exception {
        int gst = Ports.tcp();
        String yaml = """
                paths:
                  offline: {}
                  live/cam:
                    fallback: /offline
                  ext/cam:
                    fallback: rtsp://127.0.0.1:%d/slate
                  none/cam: {}
                """.formatted(gst);
        try (LogCapture logs = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer upstream = Peer.start("serve-rtsp.sh", Map.of("AUDIO", "none"), Integer.toString(gst), "slate",
                        "60");
                Peer slate = FfmpegPeer.publishH264(sluice.rtsp("offline"), 60, false)) {
            assertThat(Ports.awaitListening(gst, Duration.ofSeconds(15))).as(upstream.output()).isTrue();
            assertThat(Wait.until(() -> sluice.server().paths().get("offline").stream() != null,
                    Duration.ofSeconds(15))).as(slate.output()).isTrue();

            assertThat(probe(sluice.rtsp("live/cam"))).as("redirected to /offline").isEqualTo("h264,320,180");
            assertThat(probe(sluice.rtsp("ext/cam"))).as("redirected to GStreamer").isEqualTo("h264,640,360");
            assertThat(probe(sluice.rtsp("none/cam"))).as("no fallback: 404 as before").contains("404");
            assertThat(logs.messages(ch.qos.logback.classic.Level.INFO, "path 'live/cam' has no stream: redirected"
                    + " to its fallback rtsp://127.0.0.1:" + sluice.rtspPort + "/offline")).isNotEmpty();

            // ffmpeg reads through the redirect and gets the fallback's frames
            try (Peer reader = FfmpegPeer.read(sluice.rtsp("live/cam"), 6)) {
                reader.await(Duration.ofSeconds(60));
                Map<String, String> r = reader.result("READ");
                assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
                assertThat(Integer.parseInt(r.get("frames"))).as(reader.output()).isGreaterThan(30 * 3);
            }

            // the path's own stream wins once it has one
            try (Peer own = FfmpegPeer.publish(sluice.rtsp("live/cam"), 30, "-vf scale=160:90 -c:v libx264"
                    + " -profile:v baseline -preset ultrafast -tune zerolatency -g 30 -bf 0 -pix_fmt yuv420p -an",
                    false)) {
                assertThat(Wait.until(() -> sluice.server().paths().get("live/cam").stream() != null,
                        Duration.ofSeconds(15))).as(own.output()).isTrue();
                assertThat(probe(sluice.rtsp("live/cam"))).isEqualTo("h264,160,90");
            }
        }
    }
}
