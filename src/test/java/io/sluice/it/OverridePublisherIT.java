package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.path.Path;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * overridePublisher (issue #17): ffmpeg publishes a clip over RTMP, then a second ffmpeg publishes the same
 * clip to the same path over RTSP. By default (mediamtx's yes) the first is disconnected and the path's
 * readers and targets carry on with the second's frames: an ffmpeg RTSP reader and an nginx-rtmp forward
 * target, whose frames are counted, keep their one session across the change. With {@code overridePublisher:
 * no} the second is refused (RTSP 403) and the first goes on.
 */
@Timeout(200)
class OverridePublisherIT {
    private static final int FPS = 30;

    /** A 10 s clip, H264 (1 s GOP, no B-frames) without audio, so that both protocols carry the same track. */
    private static java.nio.file.Path clip() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("user.dir"), "target", "it-clips");
        Files.createDirectories(dir);
        return ClipFiles.once(dir.resolve("override-320x180.mkv"), tmp -> {
            Process p = new ProcessBuilder("timeout", "-k", "5", "120", "ffmpeg", "-hide_banner", "-nostdin", "-y",
                    "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=" + FPS, "-t", "10",
                    "-c:v", "libx264", "-profile:v", "baseline", "-preset", "veryfast", "-g", "30", "-keyint_min",
                    "30", "-sc_threshold", "0", "-bf", "0", "-pix_fmt", "yuv420p", "-b:v", "400k", tmp.toString())
                    .inheritIO().start();
            assertThat(p.waitFor()).as("encoding the clip").isZero();
        });
    }

    /** ffmpeg sends the clip in a loop, in real time, to an rtmp:// or rtsp:// URL for at most {@code seconds}. */
    private static Peer publish(java.nio.file.Path clip, String url, int seconds) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "3", "-s", "INT", Integer.toString(seconds),
                "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-re", "-stream_loop", "-1", "-i",
                clip.toString(), "-map", "0", "-c", "copy"));
        cmd.addAll(url.startsWith("rtmp") ? List.of("-f", "flv", url)
                : List.of("-f", "rtsp", "-rtsp_transport", "tcp", url));
        return Peer.command("publish " + url, Map.of(), cmd);
    }

    private static String yaml(String override, int nginx) {
        return """
                paths:
                  live/cam:
                    %s
                    forwardTargets:
                      - id: nginx
                        url: rtmp://127.0.0.1:%d/live/out
                """.formatted(override, nginx);
    }

    /** A temporary folder for nginx-rtmp's recordings, deleted after the test. */
    private static final class FlvDir implements AutoCloseable {
        final java.nio.file.Path dir = Files.createTempDirectory("it-override-flv");

        FlvDir() throws IOException {
        }

        List<java.nio.file.Path> flvs() throws IOException {
            try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
                return s.filter(p -> p.toString().endsWith(".flv")).sorted().toList();
            }
        }

        @Override
        public void close() throws IOException {
            try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
                for (java.nio.file.Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Video frames of a recorded FLV, decoded and counted by ffprobe. */
    private static int videoFrames(java.nio.file.Path flv) throws Exception {
        Process p = new ProcessBuilder("timeout", "60", "ffprobe", "-v", "error", "-select_streams", "v",
                "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", flv.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return Integer.parseInt(out.replace(",", ""));
    }

    @Test
    void aSecondPublisherTakesOverAndReadersAndTargetsKeepGoing() throws Exception {
        java.nio.file.Path clip = clip();
        int nginx = Ports.tcp();
        int readSeconds = 16;
        int readerFrames;
        try (FlvDir flv = new FlvDir();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml("", nginx));
                Peer sink = Peer.start("sink-rtmp.sh", Map.of("OUTDIR", flv.dir.toString()), Integer.toString(nginx),
                        "40")) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            Path path = sluice.server().paths().get("live/cam");
            try (Peer first = publish(clip, sluice.rtmp("live/cam"), 40)) {
                assertThat(Wait.until(() -> path.stream() != null, Duration.ofSeconds(10))).as(first.output()).isTrue();
                assertThat(Wait.until(() -> path.forwardStats().getFirst().state() == DestState.FORWARDING,
                        Duration.ofSeconds(10))).as(path.forwardStats().toString()).isTrue();
                try (Peer reader = FfmpegPeer.read(sluice.rtsp("live/cam"), readSeconds)) {
                    Thread.sleep(4000);
                    long takeover = System.nanoTime();
                    try (Peer second = publish(clip, sluice.rtsp("live/cam"), 30)) {
                        // the first is disconnected: ffmpeg ends long before its 40 s
                        first.await(Duration.ofSeconds(10));
                        double firstGoneAfter = (System.nanoTime() - takeover) / 1e9;
                        assertThat(firstGoneAfter).as(first.output()).isLessThan(8);
                        assertThat(Wait.until(() -> String.valueOf(path.publisherDescription())
                                .startsWith("rtspSession"), Duration.ofSeconds(5)))
                                .as(String.valueOf(path.publisherDescription())).isTrue();
                        assertThat(second.isAlive()).as(second.output()).isTrue();

                        reader.await(Duration.ofSeconds(readSeconds + 60));
                        Map<String, String> read = reader.result("READ");
                        int frames = Integer.parseInt(read.get("frames"));
                        readerFrames = frames;
                        // about 4 s came from the first publisher: the rest must be the second's
                        // nothing lost but the GOP the change waits for (the clip's GOP is 1 s)
                        assertThat(frames).as(reader.output())
                                .isGreaterThanOrEqualTo(MediaChecks.lossless(FPS * readSeconds - FPS, FPS))
                                .isGreaterThan(FPS * 8);
                        assertThat(path.forwardStats().getFirst().state()).isEqualTo(DestState.FORWARDING);
                        System.out.printf("OVERRIDE first gone after %.1f s, reader frames=%d of ~%d%n",
                                firstGoneAfter, frames, FPS * readSeconds);
                    }
                }
            }
            // the target kept one session (one recording) across the change, and got frames of both publishers
            sink.interrupt();
            sink.await(Duration.ofSeconds(30));
            List<java.nio.file.Path> files = flv.flvs();
            assertThat(files).as("nginx recordings: one session").hasSize(1);
            int recorded = videoFrames(files.getFirst());
            System.out.printf("OVERRIDE nginx recorded %d video frames%n", recorded);
            // the target ran before, through and after the reader's window: at least what the reader got, less
            // the GOP each side waits for at the change
            assertThat(recorded).as("target frames vs the reader's %d", readerFrames)
                    .isGreaterThanOrEqualTo(readerFrames - FPS);
        }
    }

    @Test
    void withOverridePublisherNoTheSecondIsRefusedAndTheFirstGoesOn() throws Exception {
        java.nio.file.Path clip = clip();
        int nginx = Ports.tcp();
        int readSeconds = 10;
        try (LogCapture logs = new LogCapture();
                FlvDir flv = new FlvDir();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml("overridePublisher: no", nginx));
                Peer sink = Peer.start("sink-rtmp.sh", Map.of("OUTDIR", flv.dir.toString()), Integer.toString(nginx),
                        "30")) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            Path path = sluice.server().paths().get("live/cam");
            try (Peer first = publish(clip, sluice.rtmp("live/cam"), 25)) {
                assertThat(Wait.until(() -> path.stream() != null, Duration.ofSeconds(10))).as(first.output()).isTrue();
                try (Peer reader = FfmpegPeer.read(sluice.rtsp("live/cam"), readSeconds)) {
                    Thread.sleep(2000);
                    try (Peer second = publish(clip, sluice.rtsp("live/cam"), 20)) {
                        assertThat(second.await(Duration.ofSeconds(20))).as(second.output()).isNotZero();
                        assertThat(second.output()).contains("403");
                    }
                    assertThat(logs.messages(ch.qos.logback.classic.Level.INFO,
                            "overridePublisher is no")).as("the refusal is in the log").isNotEmpty();
                    assertThat(first.isAlive()).as(first.output()).isTrue();
                    assertThat(path.publisherDescription()).startsWith("rtmpConn");
                    reader.await(Duration.ofSeconds(readSeconds + 60));
                    int frames = Integer.parseInt(reader.result("READ").get("frames"));
                    // the refused newcomer costs the reader nothing
                    assertThat(frames).as(reader.output())
                            .isGreaterThanOrEqualTo(MediaChecks.lossless(FPS * readSeconds, FPS));
                }
            }
        }
    }
}
