package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * B-frames from an RTP source reach FLV and MPEG-TS outputs with usable decoding times (issue "Field
 * fidelity": RTP carries no DTS; the first frames used to get DTS = PTS and then DTS stepped back).
 * ffmpeg (and GStreamer) publish H.264 High / H.265 with B-frames over RTSP; Sluice forwards to an
 * nginx-rtmp target (FLV recording) and an srt-live-transmit target (MPEG-TS file), and local readers
 * read the path; ffprobe lists every video packet of what arrived: DTS must strictly increase from the
 * first packet, PTS ≥ DTS, and the frames must be those sent.
 */
@Timeout(240)
class RtspBframesDtsIT {
    static final int SECONDS = 10;
    static final int FPS = 30;
    /** Frames a forward target must get of those published: margins for a noisy 2-core machine. */
    static final double MIN_SHARE = 0.85;

    @Test
    void ffmpegH264HighWithBframesToNginxAndSrtTargetsAndAnRtmpReader() throws Exception {
        Path clip = clip("h264-high-bf2.mp4", "-c:v", "libx264", "-profile:v", "high", "-bf", "2",
                "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-b:v", "800k");
        run(clip, true);
    }

    @Test
    void ffmpegH264WithAPyramidOfThreeBframesToNginxAndSrtTargetsAndAnRtmpReader() throws Exception {
        Path clip = clip("h264-high-bf3-pyramid.mp4", "-c:v", "libx264", "-profile:v", "high", "-bf", "3",
                "-b-pyramid", "normal", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-b:v", "800k");
        run(clip, true);
    }

    /** ffmpeg 5.1 cannot read Enhanced RTMP (H.265 in FLV): the H.265 checks are on the MPEG-TS side. */
    @Test
    void ffmpegH265WithBframesToAnSrtTargetAndAnSrtReader() throws Exception {
        Path clip = clip("h265-bf4.mp4", "-c:v", "libx265", "-b:v", "800k",
                "-x265-params", "bframes=4:keyint=60:min-keyint=60:scenecut=0:log-level=error");
        run(clip, false);
    }

    /** GStreamer's RTSP client with x264enc B-frames (its own RTP packetizer, encoding live at 320x240). */
    @Test
    void gstreamerX264BframesThroughRtspclientsinkToNginxAndSrtTargetsAndAnRtmpReader() throws Exception {
        run(true, url -> List.of("timeout", "-k", "5", Integer.toString(SECONDS + 20), "gst-launch-1.0", "-q",
                "videotestsrc", "num-buffers=" + SECONDS * FPS, "is-live=true", "pattern=ball", "!",
                "video/x-raw,width=320,height=240,framerate=" + FPS + "/1", "!", "x264enc", "bframes=2",
                "key-int-max=60", "bitrate=800", "speed-preset=veryfast", "!", "video/x-h264,profile=high", "!",
                "rtspclientsink", "location=" + url, "protocols=tcp"));
    }

    private void run(Path clip, boolean h264) throws Exception {
        assertThat(reorderedPackets(clip)).as("the clip has B-frames").isGreaterThan(SECONDS * FPS / 4);
        run(h264, url -> List.of("timeout", "-k", "5", Integer.toString(SECONDS + 20), "ffmpeg", "-hide_banner",
                "-loglevel", "warning", "-re", "-i", clip.toString(), "-t", Integer.toString(SECONDS), "-c", "copy",
                "-f", "rtsp", "-rtsp_transport", "tcp", url));
    }

    private void run(boolean h264, java.util.function.Function<String, List<String>> publisher) throws Exception {
        int nginx = Ports.tcp();
        int slt = Ports.udp();
        Path out = Files.createTempDirectory(Path.of(System.getProperty("user.dir"), "target"), "dts-it");
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: srt
                        url: srt://127.0.0.1:%d
                        reconnectDelay: 500ms
                """.formatted(slt) + (!h264 ? "" : """
                      - id: nginx
                        url: rtmp://127.0.0.1:%d/live/out
                        reconnectDelay: 500ms
                """.formatted(nginx));
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer sinkSrt = Peer.start("sink-srt.sh", Map.of("IMPL", "slt", "OUTDIR", out.resolve("srt").toString()),
                        Integer.toString(slt), Integer.toString(SECONDS + 10));
                Peer sinkRtmp = !h264 ? null : Peer.start("sink-rtmp.sh", Map.of("OUTDIR", out.resolve("rtmp").toString()),
                        Integer.toString(nginx), Integer.toString(SECONDS + 10))) {
            assertThat(Ports.awaitUdpBound(slt, Duration.ofSeconds(10))).as(sinkSrt.output()).isTrue();
            if (sinkRtmp != null) {
                assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sinkRtmp.output()).isTrue();
            }
            List<long[]> read;
            try (Peer pub = Peer.command("publisher", Map.of(), publisher.apply(sluice.rtsp("live/test")))) {
                // joins after 3 s: starts at the cached keyframe, whose DTS is already behind its PTS
                Thread.sleep(3000);
                String url = h264 ? sluice.rtmp("live/test") : sluice.srt() + "?streamid=read:live/test";
                read = packets(url, "%+4");
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 30))).as(pub.output()).isZero();
            }
            assertMonotonic(read, (int) (3.5 * FPS), "local " + (h264 ? "RTMP" : "SRT") + " reader");
            sinkSrt.await(Duration.ofSeconds(SECONDS + 30));
            assertMonotonic(packets(out.resolve("srt/session-1.ts").toString(), null),
                    (int) (SECONDS * FPS * MIN_SHARE), "SRT target (srt-live-transmit)");
            if (sinkRtmp != null) {
                sinkRtmp.await(Duration.ofSeconds(SECONDS + 30));
                Path flv;
                try (Stream<Path> files = Files.walk(out.resolve("rtmp"))) {
                    flv = files.filter(p -> p.toString().endsWith(".flv")).findFirst().orElseThrow(
                            () -> new AssertionError("no FLV recorded: " + sinkRtmp.output()));
                }
                assertMonotonic(packets(flv.toString(), null), (int) (SECONDS * FPS * MIN_SHARE),
                        "RTMP target (nginx-rtmp record)");
            }
        }
    }

    /** DTS strictly increasing from the first packet, PTS ≥ DTS, at least {@code minFrames} frames. */
    static void assertMonotonic(List<long[]> packets, int minFrames, String what) {
        StringBuilder head = new StringBuilder();
        packets.stream().limit(12).forEach(p -> head.append(' ').append(p[0]).append('/').append(p[1]));
        String who = what + " (first pts/dts:" + head + ")";
        assertThat(packets).as(who + ": video packets").hasSizeGreaterThanOrEqualTo(minFrames)
                .hasSizeLessThanOrEqualTo(SECONDS * FPS + 5);
        int reordered = 0;
        for (int i = 0; i < packets.size(); i++) {
            long pts = packets.get(i)[0];
            long dts = packets.get(i)[1];
            assertThat(pts).as("%s: PTS >= DTS at packet %d (pts %d dts %d)", who, i, pts, dts)
                    .isGreaterThanOrEqualTo(dts);
            if (i > 0) {
                assertThat(dts).as("%s: DTS increases at packet %d", who, i).isGreaterThan(packets.get(i - 1)[1]);
                reordered += pts < packets.get(i - 1)[0] ? 1 : 0;
            }
        }
        assertThat(reordered).as(who + ": B-frames arrived in decoding order").isGreaterThan(packets.size() / 4);
        System.out.printf("DTS-CHECK %s: packets=%d reordered=%d first pts/dts=%d/%d%n", who, packets.size(), reordered,
                packets.getFirst()[0], packets.getFirst()[1]);
    }

    /**
     * The video packets' {pts, dts} as ffprobe reads them from a file or a live URL (for a URL, those of
     * the first {@code interval} seconds).
     */
    static List<long[]> packets(String input, String interval) throws IOException, InterruptedException {
        // nofillin: the timestamps as stored in the container; without it libavformat replaces the DTS
        // of a stream with B-frames by its own guess from the PTS, which hides what was sent
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "5", "40", "ffprobe", "-v", "error",
                "-fflags", "+nofillin", "-select_streams", "v:0", "-show_entries", "packet=pts,dts", "-of", "csv=p=0"));
        if (interval != null) {
            cmd.addAll(List.of("-read_intervals", interval));
        }
        cmd.add(input);
        try (Peer p = Peer.command("ffprobe " + input, Map.of(), cmd)) {
            p.await(Duration.ofSeconds(60));
            List<long[]> out = new ArrayList<>();
            for (String line : p.lines()) {
                String[] f = line.trim().split(",");
                if (f.length < 2) {
                    continue;
                }
                if (!f[0].matches("-?\\d+") || !f[1].matches("-?\\d+|N/A")) {
                    throw new AssertionError("packet without PTS from " + input + ": " + line);
                }
                // a PES header with a PTS only means DTS = PTS (ISO/IEC 13818-1 §2.4.3.7)
                long pts = Long.parseLong(f[0]);
                out.add(new long[] {pts, f[1].equals("N/A") ? pts : Long.parseLong(f[1])});
            }
            return out;
        }
    }

    /** Packets of a file whose PTS differs from its DTS. */
    static int reorderedPackets(Path file) throws IOException, InterruptedException {
        int n = 0;
        for (long[] p : packets(file.toString(), null)) {
            n += p[0] != p[1] ? 1 : 0;
        }
        return n;
    }

    /** Encodes a 320x240 clip with audio once and keeps it under target/ (encoding live costs CPU). */
    static Path clip(String name, String... videoArgs) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("user.dir"), "target", "dts-clips");
        return ClipFiles.once(dir.resolve(name), tmp -> {
            List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "5", "120", "ffmpeg", "-y", "-hide_banner",
                    "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + FPS, "-f", "lavfi",
                    "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(SECONDS + 2)));
            cmd.addAll(List.of(videoArgs));
            cmd.addAll(List.of("-c:a", "aac", "-b:a", "64k", tmp.toString()));
            try (Peer p = Peer.command("encode " + name, Map.of(), cmd)) {
                assertThat(p.await(Duration.ofSeconds(130))).as(p.output()).isZero();
            }
        });
    }
}
