package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.Control;
import io.sluice.control.Control.TargetInfo;
import io.sluice.control.PathInfo.QualityInfo;
import io.sluice.forward.DestState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code when:} quality conditions with real peers: ffmpeg publishes pre-encoded clips ({@code -re -c copy})
 * at two bitrates (over RTSP) and at two picture heights (over RTMP); every path has a target on an
 * nginx-rtmp server whose condition only one clip of each pair meets. The sink's recordings show which
 * paths it got, and how many frames of them.
 */
@Timeout(300)
class QualityConditionIT {
    static final int SECONDS = 24;
    static final int FPS = 30;
    static final int MIN_KBPS = 800;
    /** The hold of the targets: short, so the forwarding target has most of the publish to count frames. */
    static final int HOLD_SECONDS = 2;

    private static String yaml(int sinkPort) {
        StringBuilder y = new StringBuilder("paths:\n");
        for (String path : List.of("rateHigh", "rateLow")) {
            y.append(entry(path, "bitrate", sinkPort, "minBitrateKbps: " + MIN_KBPS));
        }
        for (String path : List.of("hd", "sd")) {
            y.append(entry(path, "height", sinkPort, "minHeight: 720"));
        }
        return y.toString();
    }

    private static String entry(String path, String id, int sinkPort, String condition) {
        return """
                  %1$s:
                    forwardTargets:
                      - id: %2$s
                        url: rtmp://127.0.0.1:%3$d/live/%1$s
                        when: {%4$s, hold: %5$ds}
                """.formatted(path, id, sinkPort, condition, HOLD_SECONDS);
    }

    @Test
    void targetsForwardOnlyTheStreamsThatMeetTheirCondition(@TempDir Path dir) throws Exception {
        // noise keeps the encoder at its bitrate: a test pattern alone compresses far below it
        Path high = encode(dir.resolve("360p-1500k.mp4"), "640x360", "1500k");
        Path low = encode(dir.resolve("360p-300k.mp4"), "640x360", "300k");
        Path hd = encode(dir.resolve("720p-600k.mp4"), "1280x720", "600k");
        int sinkPort = Ports.tcp();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml(sinkPort));
                Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(sinkPort), Integer.toString(SECONDS + 15))) {
            assertThat(Ports.awaitListening(sinkPort, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            Control c = sluice.server().control();
            long t0 = System.nanoTime();
            try (Peer pHigh = publish(high, sluice.rtsp("rateHigh"), "rtsp -rtsp_transport tcp");
                    Peer pLow = publish(low, sluice.rtsp("rateLow"), "rtsp -rtsp_transport tcp");
                    Peer pHd = publish(hd, sluice.rtmp("hd"), "flv");
                    Peer pSd = publish(low, sluice.rtmp("sd"), "flv")) {
                // the stream's first second is measured, then the condition must hold HOLD_SECONDS
                assertThat(Wait.until(() -> forwarding(c, "rateHigh", "bitrate") && forwarding(c, "hd", "height"),
                        Duration.ofSeconds(20))).as(pHigh.output() + "\n" + pHd.output()).isTrue();
                double startedAt = (System.nanoTime() - t0) / 1e9;
                // after the hold any target that would start has started; over the meter's 5 s window the
                // test counts the bytes the paths received itself, to check the window against
                long[] before = {bytesIn(c, "rateHigh"), bytesIn(c, "rateLow")};
                long t1 = System.nanoTime();
                Thread.sleep(5000);
                QualityInfo qHigh = c.path("rateHigh").orElseThrow().quality();
                QualityInfo qLow = c.path("rateLow").orElseThrow().quality();
                QualityInfo qHd = c.path("hd").orElseThrow().quality();
                QualityInfo qSd = c.path("sd").orElseThrow().quality();
                System.out.printf("QUALITY high=%s low=%s hd=%s sd=%s, forwarding after %.1f s%n", qHigh, qLow, qHd,
                        qSd, startedAt);
                double seconds = (System.nanoTime() - t1) / 1e9;
                double refHigh = (bytesIn(c, "rateHigh") - before[0]) * 8 / seconds / 1000;
                double refLow = (bytesIn(c, "rateLow") - before[1]) * 8 / seconds / 1000;
                System.out.printf("KBPS meter high %.0f low %.0f; counted %.0f / %.0f over %.1f s; clips %.0f / %.0f%n",
                        qHigh.bitrateKbps(), qLow.bitrateKbps(), refHigh, refLow, seconds, kbps(high), kbps(low));
                // the meter's window against the bytes counted over the same time (RTP headers add ~1 %); on
                // a loaded machine ffmpeg's -re lags and catches up, so the clip's average is only a floor
                assertThat(qHigh.bitrateKbps()).isBetween(0.85 * refHigh, 1.1 * refHigh);
                assertThat(qLow.bitrateKbps()).isBetween(0.85 * refLow, 1.1 * refLow);
                assertThat(qHigh.bitrateKbps()).isGreaterThan(0.85 * kbps(high));
                assertThat(qLow.bitrateKbps()).isGreaterThan(0.85 * kbps(low));
                assertThat(qHd.bitrateKbps()).isGreaterThan(0.85 * kbps(hd));
                assertThat(List.of(kbps(high), kbps(low))).as("the clips straddle the limit")
                        .allSatisfy(k -> assertThat(Math.abs(k - MIN_KBPS)).isGreaterThan(200.0));
                assertThat(List.of(qHigh.width(), qHigh.height(), qHd.width(), qHd.height(), qSd.height()))
                        .containsExactly(640, 360, 1280, 720, 360);
                assertThat(List.of(qHigh.fps(), qHd.fps(), qSd.fps())).allSatisfy(f -> assertThat(f).isBetween(29.0, 31.0));

                TargetInfo lowTarget = c.target("rateLow", "bitrate").orElseThrow();
                assertThat(lowTarget.stats().state()).isEqualTo(DestState.IDLE);
                assertThat(lowTarget.waiting()).matches("bitrate \\d+ kbit/s < " + MIN_KBPS);
                TargetInfo sdTarget = c.target("sd", "height").orElseThrow();
                assertThat(sdTarget.stats().state()).isEqualTo(DestState.IDLE);
                assertThat(sdTarget.waiting()).isEqualTo("height 360 < 720");
                // the API shows the same: the figures in the path, the reason in the target
                String lowJson = get(sluice.api() + "/v3/paths/get/rateLow");
                assertThat(lowJson).contains("\"height\":360").containsPattern("\"bitrateKbps\":[1-4]\\d\\d\\.");
                assertThat(get(sluice.api() + "/v3/forwardtargets/get/rateLow/bitrate"))
                        .containsPattern("bitrate \\d+ kbit/s < " + MIN_KBPS);

                for (Peer p : List.of(pHigh, pLow, pHd, pSd)) {
                    p.await(Duration.ofSeconds(SECONDS + 30));
                }
                int sentHigh = sent(pHigh);
                int sentHd = sent(pHd);
                sink.await(Duration.ofSeconds(120));
                Map<String, Integer> got = videoFramesByKey(sink);
                System.out.printf("RECEIVED by key %s; sent rateHigh %d, hd %d%n", got, sentHigh, sentHd);
                assertThat(got).doesNotContainKeys("rateLow", "sd");
                // the target joined at the stream's GOP-cached keyframe once its condition had held: it
                // must have every frame sent from then on
                double share = (SECONDS - startedAt) / SECONDS;
                assertThat(got.getOrDefault("rateHigh", 0)).as(sink.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless(sentHigh * share, FPS));
                assertThat(got.getOrDefault("hd", 0)).as(sink.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless(sentHd * share, FPS));
            }
        }
    }

    /** A clip's average bitrate in kbit/s (its file over its 10 s). */
    private static double kbps(Path clip) throws IOException {
        return java.nio.file.Files.size(clip) * 8 / 10.0 / 1000;
    }

    private static long bytesIn(Control c, String path) {
        return c.path(path).orElseThrow().bytesIn();
    }

    private static boolean forwarding(Control c, String path, String id) {
        return c.target(path, id).map(t -> t.stats().state() == DestState.FORWARDING).orElse(false);
    }

    private static String get(String url) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
            return r.body();
        }
    }

    /** Encodes a 10 s video-only clip, 30 fps, a keyframe every second, at a constrained bitrate. */
    private static Path encode(Path out, String size, String bitrate) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("timeout", "-k", "5", "200", "ffmpeg", "-hide_banner", "-nostdin",
                "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "testsrc2=size=" + size + ":rate=" + FPS + ",noise=alls=25:allf=t", "-t", "10",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
                "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-pix_fmt", "yuv420p", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(210, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("encoding " + out + " failed: " + log);
        }
        return out;
    }

    /** Loops the clip with {@code ffmpeg -re -c copy} for {@link #SECONDS}; prints the frames it sent. */
    private static Peer publish(Path clip, String url, String muxer) throws IOException {
        String script = """
                T=$(mktemp -d /tmp/it-quality.XXXXXX); trap 'rm -rf "$T"' EXIT
                timeout -k 5 %d ffmpeg -hide_banner -nostdin -loglevel warning -progress "$T/p" -re -stream_loop -1 \
                  -i "$1" -t %d -c copy -f %s "$2"
                RC=$?
                echo "PUBLISHED rc=$RC video_frames=$(grep -a '^frame=' "$T/p" | tail -1 | cut -d= -f2)"
                exit $RC
                """.formatted(SECONDS + 20, SECONDS, muxer);
        return Peer.command("publish " + url, Map.of(), List.of("bash", "-c", script, "publish", clip.toString(), url));
    }

    private static int sent(Peer publisher) {
        return Integer.parseInt(publisher.result("PUBLISHED").get("video_frames"));
    }

    /** Video frames per stream key from the sink's STREAM lines ("file=KEY-UNIQUE.flv ... codec_type=video"). */
    private static Map<String, Integer> videoFramesByKey(Peer sink) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (String line : sink.lines()) {
            if (!line.startsWith("STREAM ")) {
                continue;
            }
            Map<String, String> f = Peer.fields(line.substring("STREAM ".length()));
            if (!"video".equals(f.get("codec_type"))) {
                continue;
            }
            String file = f.get("file");
            String key = file.substring(0, file.lastIndexOf('-'));
            out.merge(key, Integer.parseInt(f.getOrDefault("nb_read_frames", "0")), Integer::sum);
        }
        return out;
    }
}
