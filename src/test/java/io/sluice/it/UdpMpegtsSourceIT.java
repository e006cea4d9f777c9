package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.control.SourceState;
import io.sluice.control.SourceStats;
import io.sluice.forward.DestStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code source: udp+mpegts://}: ffmpeg sends a camera-like MPEG-TS over UDP (CameraClip: H264 High with
 * B-frames, 6 Mbit/s 720p, AAC) to the port Sluice listens on; an ffmpeg RTSP reader reads the path and an
 * nginx-rtmp forward target records it. The target must get every frame sent (but the edges), with PTS ≥ DTS
 * and increasing DTS (B-frames kept in decoding order), and the codecs kept.
 */
@Timeout(240)
class UdpMpegtsSourceIT {
    static final int SECONDS = 15;
    static final int READ_SECONDS = 8;

    @Test
    void cameraTsOverUdpToAnRtspReaderAndAnNginxTarget() throws Exception {
        CameraClip.file(); // encoded before any peer's clock starts
        int udp = Ports.udp();
        int nginx = Ports.tcp();
        Path out = Files.createTempDirectory(Path.of(System.getProperty("user.dir"), "target"), "udp-source-it");
        String yaml = """
                readTimeout: 30s
                paths:
                  cam:
                    source: udp+mpegts://127.0.0.1:%d
                    forwardTargets:
                      - id: nginx
                        url: rtmp://127.0.0.1:%d/live/out
                """.formatted(udp, nginx);
        // readTimeout 30 s: the source listens from Sluice's start, and on this loaded machine the send may start
        // more than the default 10 s later, when it would find the port closed between two attempts
        try (Peer sink = Peer.start("sink-rtmp.sh", Map.of("OUTDIR", out.toString()), Integer.toString(nginx),
                        Integer.toString(SECONDS + 30));
                SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
            assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(10))).as(sink.output()).isTrue();
            assertThat(Ports.awaitUdpBound(udp, Duration.ofSeconds(10))).as("Sluice listens on udp " + udp).isTrue();
            try (Peer pub = CameraClip.publishUdp("udp://127.0.0.1:" + udp, SECONDS)) {
                assertThat(Wait.until(() -> state(sluice) == SourceState.READY, Duration.ofSeconds(15)))
                        .as("source ready: " + sluice.server().paths().get("cam").sourceStats()).isTrue();
                Thread.sleep(1000);
                Map<String, String[]> read = decode(sluice.rtsp("cam"), READ_SECONDS);
                assertThat(read.get("video")[0]).as("video codec").isEqualTo("h264");
                assertThat(read.get("audio")[0]).as("audio codec").isEqualTo("aac");
                // the reader starts at the cached keyframe (up to a GOP back) and probes for up to a second
                assertThat(Integer.parseInt(read.get("video")[1])).as("video frames decoded")
                        .isGreaterThan((READ_SECONDS - 2) * CameraClip.FPS);
                assertThat(Integer.parseInt(read.get("audio")[1])).as("audio frames decoded")
                        .isGreaterThan((int) ((READ_SECONDS - 2) * MediaChecks.AAC_FPS));
                assertThat(pub.await(Duration.ofSeconds(SECONDS + 60))).as(pub.output()).isZero();
                SourceStats s = sluice.server().paths().get("cam").sourceStats();
                System.out.println("SOURCE " + s);
                assertThat(s.type()).isEqualTo("udpSource");
                assertThat(s.tracks()).as(s.toString()).containsExactly("H264", "MPEG4_AUDIO");
                assertThat(s.link().get("datagramsReceived").longValue()).as(s.toString()).isPositive();
                DestStats d = sluice.server().paths().get("cam").forwardStats().getFirst();
                assertThat(d.dropped()).as(d.toString()).isZero();
                assertThat(d.reconnects()).as(d.toString()).isZero();
                Map<String, String> r = MediaChecks.assertReceivedCamera(sink, pub);
                assertThat(r.get("sessions")).as(sink.output()).isEqualTo("1");
            }
            Path flv;
            try (Stream<Path> files = Files.walk(out)) {
                flv = files.filter(p -> p.toString().endsWith(".flv")).findFirst()
                        .orElseThrow(() -> new AssertionError("no FLV recorded: " + sink.output()));
            }
            assertDecodingOrder(RtspBframesDtsIT.packets(flv.toString(), null), "nginx-rtmp recording");
        }
    }

    /**
     * Reads an RTSP URL with ffprobe for {@code seconds} and decodes every frame (-count_frames): per codec type,
     * the codec name and the frames decoded. ffmpeg cannot remux B-frame H264 read over RTSP (RTP has no DTS:
     * "Can't write packet with unknown timestamp"), so the reader decodes instead of copying.
     */
    static Map<String, String[]> decode(String url, int seconds) throws Exception {
        try (Peer p = Peer.command("ffprobe-read " + url, Map.of(), List.of("timeout", "-k", "5",
                Integer.toString(seconds + 60), "ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                "-read_intervals", "%+" + seconds, "-count_frames", "-show_entries",
                "stream=codec_type,codec_name,nb_read_frames", "-of", "csv=p=0", url))) {
            p.await(Duration.ofSeconds(seconds + 70));
            System.out.println("READ " + url + ": " + p.output());
            Map<String, String[]> out = new java.util.HashMap<>();
            for (String line : p.lines()) {
                String[] f = line.trim().split(",");
                if (f.length == 3) {
                    out.putIfAbsent(f[1], new String[] {f[0], f[2]});
                }
            }
            assertThat(out).as(p.output()).containsKeys("video", "audio");
            return out;
        }
    }

    private static SourceState state(SluiceUnderTest sluice) {
        SourceStats s = sluice.server().paths().get("cam") == null ? null
                : sluice.server().paths().get("cam").sourceStats();
        return s == null ? null : s.state();
    }

    /** PTS ≥ DTS on every packet, DTS increasing, and B-frames present (PTS out of order). */
    static void assertDecodingOrder(List<long[]> packets, String what) {
        assertThat(packets).as(what).hasSizeGreaterThan(SECONDS * CameraClip.FPS / 2);
        int reordered = 0;
        for (int i = 0; i < packets.size(); i++) {
            long pts = packets.get(i)[0];
            long dts = packets.get(i)[1];
            assertThat(pts).as("%s: PTS >= DTS at packet %d (pts %d dts %d)", what, i, pts, dts)
                    .isGreaterThanOrEqualTo(dts);
            if (i > 0) {
                assertThat(dts).as("%s: DTS increases at packet %d", what, i).isGreaterThan(packets.get(i - 1)[1]);
                reordered += pts < packets.get(i - 1)[0] ? 1 : 0;
            }
        }
        assertThat(reordered).as(what + ": B-frames in decoding order").isGreaterThan(packets.size() / 4);
        System.out.printf("DTS-CHECK %s: packets=%d reordered=%d%n", what, packets.size(), reordered);
    }
}
