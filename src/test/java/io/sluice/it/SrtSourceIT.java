package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SRT pull source ({@code source: srt://…}, issue #17), driven by third-party peers: an ffmpeg SRT listener
 * serves a camera-like MPEG-TS with a passphrase, Sluice calls it and serves the stream to an ffmpeg RTMP
 * reader while forwarding it to an nginx-rtmp target; a wrong passphrase is a clear error.
 */
@Timeout(240)
class SrtSourceIT {
    static final int CAMERA_SECONDS = 15;
    static final String PASSPHRASE = "sluice-source-42";

    @Test
    void encryptedCameraFromAnFfmpegListenerReachesAnRtmpReaderAndAnNginxTargetWhole() throws Exception {
        CameraClip.file();
        int listener = Ports.udp();
        int nginx = Ports.tcp();
        Path out = Files.createTempDirectory(Path.of(System.getProperty("user.dir"), "target"), "srt-source-it");
        String yaml = """
                paths:
                  cam:
                    source: srt://127.0.0.1:%d?streamid=read:cam&passphrase=%s&pbkeylen=16&latency=200
                    sourceReconnectDelay: 500ms
                    forwardTargets:
                      - id: nginx
                        url: rtmp://127.0.0.1:%d/live/out
                """.formatted(listener, PASSPHRASE, nginx);
        try (Peer sink = Peer.start("sink-rtmp.sh", Map.of("OUTDIR", out.toString()), Integer.toString(nginx),
                Integer.toString(CAMERA_SECONDS + 35))) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            try (Peer pub = CameraClip.serveSrt(listener, PASSPHRASE, CAMERA_SECONDS)) {
                assertThat(Ports.awaitUdpBound(listener, Duration.ofSeconds(10))).as(pub.output()).isTrue();
                try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
                    // READY as well: the source publishes, then gives its link figures and says READY
                    assertThat(Wait.until(() -> sluice.server().paths().get("cam").hasPublisher()
                            && sluice.server().paths().get("cam").sourceStats().state() == SourceState.READY,
                            Duration.ofSeconds(15))).as("the source published the path: " + pub.output()).isTrue();
                    SourceStats st = sluice.server().paths().get("cam").sourceStats();
                    assertThat(st.type()).isEqualTo("srtSource");
                    assertThat(st.link()).as(st.toString()).containsKeys("rttMs", "pktRecv", "pktRcvLoss");
                    try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("cam"), "6")) {
                        reader.await(Duration.ofSeconds(60));
                        MediaChecks.assertRead(reader, 90, 130);
                    }
                    assertThat(pub.await(Duration.ofSeconds(CAMERA_SECONDS + 60))).as(pub.output()).isZero();
                    Map<String, String> r = MediaChecks.assertReceivedCamera(sink, pub);
                    assertThat(r.get("sessions")).as(sink.output()).isEqualTo("1");
                }
            }
            Path flv;
            try (Stream<Path> files = Files.walk(out)) {
                flv = files.filter(p -> p.toString().endsWith(".flv")).findFirst()
                        .orElseThrow(() -> new AssertionError("no FLV recorded: " + sink.output()));
            }
            RtmpSourceIT.assertDecodingOrder(videoPackets(flv), "RTMP target (nginx-rtmp record)");
        }
    }

    @Test
    void aWrongPassphraseIsAClearErrorAndTheServerKeepsRunning() throws Exception {
        CameraClip.file();
        int listener = Ports.udp();
        String yaml = """
                paths:
                  cam:
                    source: srt://127.0.0.1:%d?passphrase=not-the-right-one
                    sourceReconnectDelay: 500ms
                """.formatted(listener);
        try (LogCapture logs = new LogCapture();
                Peer pub = CameraClip.serveSrt(listener, PASSPHRASE, 20)) {
            assertThat(Ports.awaitUdpBound(listener, Duration.ofSeconds(10))).as(pub.output()).isTrue();
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
                assertThat(Wait.until(() -> sluice.server().paths().get("cam").sourceStats().lastError()
                        .contains("BADSECRET"), Duration.ofSeconds(20)))
                        .as("libsrt's reason in the source's stats: %s", sluice.server().paths().get("cam").sourceStats())
                        .isTrue();
                SourceStats st = sluice.server().paths().get("cam").sourceStats();
                assertThat(st.state()).as(st.toString()).isIn(SourceState.BACKOFF, SourceState.CONNECTING);
                assertThat(st.lastError()).as(st.toString()).contains("passphrase").doesNotContain("not-the-right-one");
                assertThat(logs.messages(Level.WARN, "BADSECRET")).as("logged once, as a warning").isNotEmpty();
                assertThat(sluice.server().paths().get("cam").hasPublisher()).isFalse();
            }
            List<String> all = logs.messages(Level.WARN, "");
            assertThat(all).as("the passphrase never reaches the log").noneMatch(m -> m.contains("not-the-right-one"));
        }
    }

    /** The video packets' {pts, dts} of a recording (ffprobe, the timestamps as stored). */
    static List<long[]> videoPackets(Path file) throws Exception {
        return RtspBframesDtsIT.packets(file.toString(), null);
    }
}
