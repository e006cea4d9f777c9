package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import io.sluice.path.Path;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A publisher that drops and comes back (camera or encoder reconnect, mediamtx#2214): within the path's
 * publisherGrace, forward targets and readers keep their sessions and the stream carries on with
 * continuous numbers; after it, or with another stream, they start again as before. ffmpeg publishes a
 * camera-like clip (H264 High with B-frames, 2 s GOP, AAC) and is killed (no TEARDOWN, as a network drop);
 * nginx-rtmp records the RTMP target, GStreamer's srtsrc the SRT target, {@link RtspRecordServer} the RTP
 * headers of the RTSP target, and ffmpeg reads the path over RTMP.
 */
@Timeout(240)
class PublisherReconnectIT {
    private static final double NANOS = 1e9;
    /** FLV packets at the start of a session whose decode times are not checked (see assertMonotonic). */
    private static final int START_PACKETS = 10;

    /** Encodes a 12 s camera-like clip once (H264 High, 2 B-frames, GOP 2 s at 30 fps, AAC mono 48 kHz). */
    private static java.nio.file.Path clip(String size) throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("user.dir"), "target", "it-clips");
        Files.createDirectories(dir);
        return ClipFiles.once(dir.resolve("reconnect-" + size + ".mkv"), tmp -> {
            Process p = new ProcessBuilder("timeout", "-k", "5", "120", "ffmpeg", "-hide_banner", "-nostdin", "-y",
                    "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30", "-f", "lavfi",
                    "-i", "sine=frequency=440:sample_rate=48000", "-t", "12", "-map", "0:v", "-map", "1:a",
                    "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-bf", "2", "-g", "60",
                    "-keyint_min", "60", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-b:v", "1M", "-c:a", "aac",
                    "-b:a", "64k", "-ac", "1", tmp.toString()).inheritIO().start();
            assertThat(p.waitFor()).as("encoding the clip").isZero();
        });
    }

    /**
     * ffmpeg sends the clip in a loop, in real time, and is killed after {@code seconds}: SIGKILL for RTSP
     * and RTMP (the connection just closes, no TEARDOWN or deleteStream, as in a network drop); SIGINT for
     * SRT, whose server would otherwise notice a vanished caller only after libsrt's 5 s peer idle timeout.
     */
    private static Peer publish(java.nio.file.Path clip, String url, int seconds) throws IOException {
        List<String> out = url.startsWith("rtmp") ? List.of("-f", "flv", url)
                : url.startsWith("srt") ? List.of("-f", "mpegts", url)
                : List.of("-f", "rtsp", "-rtsp_transport", "tcp", url);
        String signal = url.startsWith("srt") ? "INT" : "KILL";
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "3", "-s", signal, Integer.toString(seconds), "ffmpeg",
                "-hide_banner", "-nostdin", "-loglevel", "warning", "-re", "-stream_loop", "-1", "-i",
                clip.toString(), "-map", "0", "-c", "copy"));
        cmd.addAll(out);
        return Peer.command("publish " + url, Map.of(), cmd);
    }

    private static String yaml(String grace, int nginx, int rtsp, int srt) {
        String targets = """
                paths:
                  live/cam:
                    publisherGrace: %s
                    forwardTargets:
                      - id: nginx
                        url: rtmp://127.0.0.1:%d/live/out
                      - id: rtsp
                        url: rtsp://127.0.0.1:%d/rec
                        rtspConfig: {transport: tcp}
                """.formatted(grace, nginx, rtsp);
        return srt == 0 ? targets : targets + """
                      - id: srt
                        url: srt://127.0.0.1:%d?streamid=publish:out
                """.formatted(srt);
    }

    /** A temporary folder for nginx-rtmp's recordings, deleted after the test. */
    private static final class FlvDir implements AutoCloseable {
        final java.nio.file.Path dir = Files.createTempDirectory("it-reconnect-flv");

        FlvDir() throws IOException {
        }

        @Override
        public void close() throws IOException {
            try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
                for (java.nio.file.Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static List<java.nio.file.Path> flvs(java.nio.file.Path dir) throws IOException {
        try (Stream<java.nio.file.Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".flv")).sorted().toList();
        }
    }

    /** Decode timestamps (s) of one stream type ("v" or "a") of a recorded FLV, in file order. */
    private static List<Double> dts(java.nio.file.Path flv, String type) throws Exception {
        Process p = new ProcessBuilder("timeout", "60", "ffprobe", "-v", "error", "-select_streams", type,
                "-show_entries", "packet=dts_time", "-of", "csv=p=0", flv.toString()).redirectErrorStream(true).start();
        List<Double> out = new ArrayList<>();
        for (String l : new String(p.getInputStream().readAllBytes()).split("\n")) {
            if (!l.isBlank() && !l.startsWith("N/A")) {
                out.add(Double.parseDouble(l.trim().replace(",", "")));
            }
        }
        p.waitFor();
        return out;
    }

    /**
     * Asserts timestamps never go back and returns the largest step (the publisher's absence). The first
     * packets are left out: with B-frames the FLV mapper's decode-time guess for the first pictures of a
     * session is not monotonic (dts 0, 0.1, 0.033: a start-up matter of the mapper, unrelated to the gap).
     */
    private static double assertMonotonic(List<Double> ts, String what) {
        assertThat(ts).as(what).hasSizeGreaterThan(100);
        double largest = 0;
        for (int i = START_PACKETS + 1; i < ts.size(); i++) {
            assertThat(ts.get(i)).as(what + " dts at " + i).isGreaterThanOrEqualTo(ts.get(i - 1));
            largest = Math.max(largest, ts.get(i) - ts.get(i - 1));
        }
        return largest;
    }

    /**
     * RTP headers of one channel of the RTSP target across the gap: one SSRC, sequence numbers without
     * a hole, and a timestamp step over the gap that matches the time away (within limits).
     */
    private static void assertContinuous(List<RtspRecordServer.Packet> ps, int clockRate, String what) {
        assertThat(ps).as(what).hasSizeGreaterThan(100);
        assertThat(ps.stream().map(RtspRecordServer.Packet::ssrc).distinct()).as(what + " SSRCs").hasSize(1);
        int gapAt = -1;
        long longest = 0;
        for (int i = 1; i < ps.size(); i++) {
            RtspRecordServer.Packet a = ps.get(i - 1);
            RtspRecordServer.Packet b = ps.get(i);
            assertThat(b.seq()).as(what + " seq after " + a).isEqualTo((a.seq() + 1) & 0xffff);
            if (b.nanos() - a.nanos() > longest) {
                longest = b.nanos() - a.nanos();
                gapAt = i;
            }
        }
        assertThat(longest / NANOS).as(what + ": the publisher's absence").isGreaterThan(1.0);
        long maxBefore = ps.getFirst().ts();
        for (RtspRecordServer.Packet p : ps.subList(0, gapAt)) {
            if ((int) (p.ts() - maxBefore) > 0) {
                maxBefore = p.ts();
            }
        }
        RtspRecordServer.Packet first = ps.get(gapAt);
        double step = (int) (first.ts() - maxBefore) / (double) clockRate;
        // ahead of every earlier timestamp, by about the time away (arrival jitter and B-frame order aside)
        assertThat(step).as(what + ": timestamp step over a gap of " + longest / NANOS + " s")
                .isBetween(longest / NANOS - 0.5, longest / NANOS + 0.5);
    }

    @Test
    void rtspPublisherBackWithinTheGraceKeepsEveryTargetAndReaderSession() throws Exception {
        java.nio.file.Path clip = clip("640x360");
        int nginx = Ports.tcp();
        int srt = Ports.udp();
        try (FlvDir flvDir = new FlvDir();
                RtspRecordServer rtsp = new RtspRecordServer();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml("5s", nginx, rtsp.port(), srt));
                Peer sinkNginx = Peer.start("sink-rtmp.sh", Map.of("OUTDIR", flvDir.dir.toString()),
                        Integer.toString(nginx), "32");
                Peer sinkSrt = Peer.start("sink-srt.sh", Integer.toString(srt), "32")) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sinkNginx.output()).isTrue();
            assertThat(Ports.awaitUdpBound(srt, Duration.ofSeconds(10))).as(sinkSrt.output()).isTrue();
            Path path = sluice.server().paths().get("live/cam");
            Peer reader;
            try (Peer pub1 = publish(clip, sluice.rtsp("live/cam"), 10)) {
                assertThat(Wait.until(() -> path.stream() != null, Duration.ofSeconds(10))).as(pub1.output()).isTrue();
                Thread.sleep(2000);
                reader = FfmpegPeer.readRtmp(sluice.rtmp("live/cam"), 22);
                assertThat(Wait.until(() -> path.forwardStats().stream()
                        .allMatch(s -> s.state() == DestState.FORWARDING), Duration.ofSeconds(10)))
                        .as(path.forwardStats().toString()).isTrue();
                pub1.await(Duration.ofSeconds(30));
            }
            try (reader) {
                assertThat(Wait.until(path::awaitingPublisher, Duration.ofSeconds(5))).isTrue();
                List<DestStats> away = path.forwardStats();
                assertThat(away).as(away.toString()).allSatisfy(s -> assertThat(s.state()).isEqualTo(DestState.BRIDGING));
                assertThat(sluice.server().paths().sessions().readers("live/cam")).as("the reader stays").isEqualTo(1);
                Thread.sleep(1500);
                try (Peer pub2 = publish(clip, sluice.rtsp("live/cam"), 10)) {
                    assertThat(Wait.until(() -> path.stream() != null, Duration.ofSeconds(10))).as(pub2.output())
                            .isTrue();
                    assertThat(path.awaitingPublisher()).isFalse();
                    pub2.await(Duration.ofSeconds(30));
                }
                reader.await(Duration.ofSeconds(60));
                Map<String, String> read = FfmpegPeer.readResult(reader);
                // ran to its own deadline (124): its session never ended; ~18 s of video from both publishers
                assertThat(read.get("rc")).as(reader.output()).isEqualTo("124");
                assertThat(read.get("video")).as(reader.output()).isEqualTo("h264");
                assertThat(Integer.parseInt(read.get("frames"))).as(reader.output()).isGreaterThan(400);
            }
            List<DestStats> after = path.forwardStats();
            assertThat(after).extracting(DestStats::id).containsExactly("nginx", "rtsp", "srt");
            assertThat(after).as(after.toString()).allSatisfy(s -> {
                assertThat(s.bridgedGaps()).isEqualTo(1);
                assertThat(s.reconnects()).isZero();
                assertThat(s.dropped()).isZero();
            });
            sluice.close(); // targets end their sessions (TEARDOWN, deleteStream)

            List<RtspRecordServer.Session> sessions = rtsp.recordingSessions();
            assertThat(sessions).as("one RECORD session on the RTSP target").hasSize(1);
            assertContinuous(sessions.getFirst().channel(0), 90000, "RTSP target video");
            assertContinuous(sessions.getFirst().channel(2), 48000, "RTSP target audio");

            Map<String, String> flv = MediaChecks.assertReceived(sinkNginx, 16);
            assertThat(flv.get("sessions")).as("one publish on nginx-rtmp: " + sinkNginx.output()).isEqualTo("1");
            List<java.nio.file.Path> files = flvs(flvDir.dir);
            assertThat(files).hasSize(1);
            double videoGap = assertMonotonic(dts(files.getFirst(), "v"), "FLV video");
            double audioGap = assertMonotonic(dts(files.getFirst(), "a"), "FLV audio");
            assertThat(videoGap).as("the absence shows as a pause in the FLV").isBetween(1.0, 6.0);
            assertThat(audioGap).isBetween(1.0, 6.0);

            Map<String, String> ts = MediaChecks.assertReceived(sinkSrt, 16);
            assertThat(ts.get("sessions")).as("one SRT session: " + sinkSrt.output()).isEqualTo("1");
        }
    }

    @Test
    void rtmpPublisherBackWithinTheGraceKeepsTheTargetSessions() throws Exception {
        publisherBackWithinTheGrace(sluice -> sluice.rtmp("live/cam"), 12);
    }

    @Test
    void srtPublisherBackWithinTheGraceKeepsTheTargetSessions() throws Exception {
        publisherBackWithinTheGrace(sluice -> sluice.srt() + "?streamid=publish:live/cam&pkt_size=1316", 10);
    }

    /**
     * An RTMP or SRT publisher (whose frames carry their own timestamps, shifted like RTP's across the gap) is
     * killed and a new one comes back 1.5 s later: the RTSP and nginx-rtmp targets keep one session each, with
     * continuous RTP numbering and monotonic FLV decode times, and at least {@code seconds} of frames.
     */
    private void publisherBackWithinTheGrace(java.util.function.Function<SluiceUnderTest, String> url, int seconds)
            throws Exception {
        java.nio.file.Path clip = clip("640x360");
        int nginx = Ports.tcp();
        try (FlvDir flvDir = new FlvDir();
                RtspRecordServer rtsp = new RtspRecordServer();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml("5s", nginx, rtsp.port(), 0));
                Peer sinkNginx = Peer.start("sink-rtmp.sh", Map.of("OUTDIR", flvDir.dir.toString()),
                        Integer.toString(nginx), "25")) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sinkNginx.output()).isTrue();
            Path path = sluice.server().paths().get("live/cam");
            try (Peer pub1 = publish(clip, url.apply(sluice), 8)) {
                pub1.await(Duration.ofSeconds(30));
            }
            assertThat(Wait.until(path::awaitingPublisher, Duration.ofSeconds(5))).isTrue();
            Thread.sleep(1500);
            try (Peer pub2 = publish(clip, url.apply(sluice), 8)) {
                pub2.await(Duration.ofSeconds(30));
            }
            List<DestStats> after = path.forwardStats();
            assertThat(after).as(after.toString()).allSatisfy(s -> {
                assertThat(s.bridgedGaps()).isEqualTo(1);
                assertThat(s.reconnects()).isZero();
            });
            sluice.close();
            List<RtspRecordServer.Session> sessions = rtsp.recordingSessions();
            assertThat(sessions).hasSize(1);
            assertContinuous(sessions.getFirst().channel(0), 90000, "RTSP target video");
            assertContinuous(sessions.getFirst().channel(2), 48000, "RTSP target audio");
            Map<String, String> flv = MediaChecks.assertReceived(sinkNginx, seconds);
            assertThat(flv.get("sessions")).as(sinkNginx.output()).isEqualTo("1");
            List<java.nio.file.Path> files = flvs(flvDir.dir);
            assertThat(files).hasSize(1);
            assertMonotonic(dts(files.getFirst(), "v"), "FLV video");
            assertMonotonic(dts(files.getFirst(), "a"), "FLV audio");
        }
    }

    @Test
    void publisherBackAfterTheGraceGetsNewSessionsAsBefore() throws Exception {
        java.nio.file.Path clip = clip("640x360");
        int nginx = Ports.tcp();
        try (RtspRecordServer rtsp = new RtspRecordServer();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml("1s", nginx, rtsp.port(), 0));
                Peer sinkNginx = Peer.start("sink-rtmp.sh", Integer.toString(nginx), "22")) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sinkNginx.output()).isTrue();
            Path path = sluice.server().paths().get("live/cam");
            try (Peer pub1 = publish(clip, sluice.rtsp("live/cam"), 7)) {
                pub1.await(Duration.ofSeconds(30));
            }
            assertThat(Wait.until(() -> !path.awaitingPublisher(), Duration.ofSeconds(5))).isTrue();
            Thread.sleep(2000);
            assertThat(path.forwardStats()).allSatisfy(s -> assertThat(s.state()).isEqualTo(DestState.IDLE));
            try (Peer pub2 = publish(clip, sluice.rtsp("live/cam"), 7)) {
                pub2.await(Duration.ofSeconds(30));
            }
            List<DestStats> after = path.forwardStats();
            assertThat(after).as(after.toString()).allSatisfy(s -> assertThat(s.bridgedGaps()).isZero());
            sluice.close();
            List<RtspRecordServer.Session> sessions = rtsp.recordingSessions();
            assertThat(sessions).hasSize(2);
            assertThat(sessions.getFirst().tornDown).as("TEARDOWN when the grace ended").isTrue();
            Map<String, String> flv = MediaChecks.assertReceived(sinkNginx, 8);
            assertThat(flv.get("sessions")).as(sinkNginx.output()).isEqualTo("2");
        }
    }

    @Test
    void anotherResolutionWithinTheGraceSetsTheTargetsUpAgain() throws Exception {
        java.nio.file.Path big = clip("640x360");
        java.nio.file.Path small = clip("320x180");
        int nginx = Ports.tcp();
        try (RtspRecordServer rtsp = new RtspRecordServer();
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml("5s", nginx, rtsp.port(), 0));
                Peer sinkNginx = Peer.start("sink-rtmp.sh", Integer.toString(nginx), "20")) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sinkNginx.output()).isTrue();
            Path path = sluice.server().paths().get("live/cam");
            Peer reader;
            try (Peer pub1 = publish(big, sluice.rtsp("live/cam"), 7)) {
                assertThat(Wait.until(() -> path.stream() != null, Duration.ofSeconds(10))).as(pub1.output()).isTrue();
                Thread.sleep(1500);
                reader = FfmpegPeer.readRtmp(sluice.rtmp("live/cam"), 15);
                pub1.await(Duration.ofSeconds(30));
            }
            try (reader) {
                assertThat(Wait.until(path::awaitingPublisher, Duration.ofSeconds(5))).isTrue();
                Thread.sleep(1000);
                try (Peer pub2 = publish(small, sluice.rtsp("live/cam"), 7)) {
                    reader.await(Duration.ofSeconds(30));
                    // the reader's session ended with the old stream, well before its own deadline
                    assertThat(FfmpegPeer.readResult(reader).get("rc")).as(reader.output()).isNotEqualTo("124");
                    pub2.await(Duration.ofSeconds(30));
                }
            }
            List<DestStats> after = path.forwardStats();
            assertThat(after).as(after.toString()).allSatisfy(s -> assertThat(s.bridgedGaps()).isZero());
            sluice.close();
            List<RtspRecordServer.Session> sessions = rtsp.recordingSessions();
            assertThat(sessions).as("set up again for the new stream").hasSize(2);
            assertThat(sessions.get(1).sdp).isNotEqualTo(sessions.get(0).sdp);
            Map<String, String> flv = MediaChecks.assertReceived(sinkNginx, 8);
            assertThat(flv.get("sessions")).as(sinkNginx.output()).isEqualTo("2");
        }
    }
}
