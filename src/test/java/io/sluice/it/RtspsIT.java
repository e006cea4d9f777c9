package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import io.sluice.net.TlsFileException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RTSPS server with a throwaway self-signed certificate made by openssl: ffmpeg publishes the camera clip
 * to {@code rtsps://} (RTP interleaved in the TLS stream) and ffmpeg reads it back over RTSPS, every frame;
 * the sessions show protocol rtsps in the API; a SETUP asking for UDP over RTSPS, sent by openssl s_client,
 * gets 461; {@code rtspEncryption: optional} keeps plain RTSP, {@code strict} binds neither the plain
 * listener nor the UDP ports; a missing key file stops start-up with the file named.
 */
@Timeout(180)
class RtspsIT {
    static final int SECONDS = 10;

    @TempDir
    Path dir;



    private static String tlsYaml(String encryption, int rtspsPort, String cert, String key) {
        return """
                rtspEncryption: %s
                rtspsAddress: 127.0.0.1:%d
                rtspServerCert: %s
                rtspServerKey: %s
                """.formatted(encryption, rtspsPort, cert, key);
    }

    /**
     * ffprobe reads {@code url} over RTSPS or RTSP (TCP; a certificate is not verified) until the server ends the session or
     * {@code seconds} pass and lists every packet it got, which are counted per media. (Not remuxed: ffmpeg's
     * RTSP demuxer gives B-frame H264 no DTS, which its muxers refuse.)
     */
    private static Peer readPackets(String url, int seconds) throws IOException {
        String script = """
                T=$(mktemp -d /tmp/it-rtsps.XXXXXX); trap 'rm -rf "$T"' EXIT
                timeout --foreground -s INT -k 5 %d ffprobe -hide_banner -v error -rtsp_transport tcp -timeout 5000000 \
                  -show_entries packet=codec_type:stream=codec_name -of csv=p=0 -i "$1" > "$T/packets" 2> "$T/log"
                RC=$?
                head -8 "$T/log" | sed 's/^/LOG|/'
                V=$(grep -c '^video' "$T/packets"); A=$(grep -c '^audio' "$T/packets")
                VC=$(grep -m1 -x -E 'h264|hevc' "$T/packets" || echo none); AC=$(grep -m1 -x -E 'aac|opus' "$T/packets" || echo none)
                echo "READ video=$VC frames=$V audio=$AC frames=$A rc=$RC"
                """.formatted(seconds);
        return Peer.command("read-rtsps " + url, Map.of(), List.of("bash", "-c", script, "read", url));
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Over TLS with openssl s_client: ANNOUNCE a one-track SDP, then SETUP that track asking for UDP. Returns
     * what the server answered.
     */
    private String announceThenSetupUdp(int port, String path) throws Exception {
        String sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=t\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1\r\na=control:trackID=0\r\n";
        String base = "rtsps://127.0.0.1:" + port + "/" + path;
        String announce = "ANNOUNCE " + base + " RTSP/1.0\r\nCSeq: 1\r\nContent-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
        String setup = "SETUP " + base + "/trackID=0 RTSP/1.0\r\nCSeq: 2\r\n"
                + "Transport: RTP/AVP;unicast;client_port=40000-40001;mode=record\r\n\r\n";
        Path req1 = dir.resolve("announce.txt");
        Path req2 = dir.resolve("setup.txt");
        Files.writeString(req1, announce);
        Files.writeString(req2, setup);
        // the session id is not needed: the SETUP is refused for its transport before the session is looked at
        try (Peer p = Peer.command("s_client", Map.of(), List.of("bash", "-c",
                "(cat \"$1\"; sleep 1; cat \"$2\"; sleep 2) | timeout -k 2 15 openssl s_client -quiet "
                        + "-connect 127.0.0.1:" + port + " 2>/dev/null", "s_client", req1.toString(), req2.toString()))) {
            p.await(Duration.ofSeconds(25));
            return p.output();
        }
    }

    @Test
    void cameraPublishedAndReadOverRtspsArrivesWholeAndPlainRtspStillWorks() throws Exception {
        CameraClip.file(); // encoded before any peer's clock starts
        TestCert pair = TestCert.selfSigned(dir, "a");
        int rtsps = Ports.tcp();
        try (LogCapture logs = new LogCapture();
                SluiceUnderTest sluice = SluiceUnderTest.start(tlsYaml("optional", rtsps, pair.cert(), pair.key()))) {
            String url = "rtsps://127.0.0.1:" + rtsps + "/cam";
            try (Peer pub = CameraClip.publishRtsp(url, SECONDS)) {
                assertThat(Wait.until(() -> {
                    var p = sluice.server().paths().get("cam");
                    return p != null && p.hasPublisher();
                }, Duration.ofSeconds(15))).as(pub.output()).isTrue();
                // within the first GOP: the GOP cache gives the reader every frame from the first keyframe
                try (Peer reader = readPackets(url, SECONDS + 20);
                        Peer plain = readPackets(sluice.rtsp("cam"), 4)) {
                    assertThat(Wait.until(() -> sessions(sluice, "rtsps").size() == 2, Duration.ofSeconds(15)))
                            .as("rtsps sessions: %s; reader: %s", sessions(sluice, "rtsps"), reader.output()).isTrue();
                    assertThat(sessions(sluice, "rtsps")).containsExactlyInAnyOrder("publish", "read");
                    var metrics = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sluice.metrics()))
                            .timeout(Duration.ofSeconds(20)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                    for (String role : List.of("publish", "read")) {
                        assertThat(metrics.body()).as("rtsps %s session in the metrics", role).containsPattern(
                                "(?m)^sluice_sessions\\{(?=[^}]*protocol=\"rtsps\")(?=[^}]*role=\"" + role
                                        + "\")[^}]*} 1(\\.0)?$");
                    }
                    String refused = announceThenSetupUdp(rtsps, "udp-over-tls");
                    assertThat(refused).contains("RTSP/1.0 200 OK").contains("RTSP/1.0 461 Unsupported Transport");
                    assertThat(pub.await(Duration.ofSeconds(SECONDS + 40))).as(pub.output()).isZero();
                    reader.await(Duration.ofSeconds(SECONDS + 40));
                    plain.await(Duration.ofSeconds(40));
                    Map<String, String> r = reader.result("READ");
                    int sent = CameraClip.sentFrames(pub);
                    System.out.printf("RTSPS read: video %s of %d sent, audio %s%n", r.get("frames"), sent,
                            r.get("frames.2"));
                    assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
                    assertThat(r.get("audio")).as(reader.output()).isEqualTo("aac");
                    assertThat(Integer.parseInt(r.get("frames"))).as(reader.output())
                            .isGreaterThanOrEqualTo(MediaChecks.lossless(sent, CameraClip.FPS));
                    assertThat(Integer.parseInt(r.get("frames.2"))).as(reader.output()).isGreaterThanOrEqualTo(
                            MediaChecks.lossless(sent / (double) CameraClip.FPS * MediaChecks.AAC_FPS,
                                    MediaChecks.AAC_FPS));
                    // optional: the plain listener serves the same stream
                    Map<String, String> p = plain.result("READ");
                    assertThat(Integer.parseInt(p.get("frames"))).as(plain.output()).isPositive();
                }
            }
            String keyBody = Files.readAllLines(Path.of(pair.key())).get(1);
            assertThat(logs.messages(Level.INFO, "RTSPS listener")).singleElement().asString().contains(pair.key());
            for (Level l : List.of(Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG)) {
                assertThat(logs.messages(l, keyBody)).as("key material in the log").isEmpty();
            }
        }
    }

    /** The sessions the API lists under mediamtx's per-protocol resource (/v3/rtspssessions/list): their states. */
    private static List<String> sessions(SluiceUnderTest s, String protocol) throws Exception {
        var r = HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(s.api() + "/v3/" + protocol + "sessions/list")).timeout(Duration.ofSeconds(20)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> states = new java.util.ArrayList<>();
        for (var item : JSON.readTree(r.body()).get("items")) {
            assertThat(item.get("protocol").asString()).isEqualTo(protocol);
            states.add(item.get("state").asString());
        }
        return states;
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
    private static final tools.jackson.databind.ObjectMapper JSON = new tools.jackson.databind.ObjectMapper();

    @Test
    void strictBindsOnlyRtsps() throws Exception {
        TestCert pair = TestCert.selfSigned(dir, "s");
        int rtsps = Ports.tcp();
        try (SluiceUnderTest sluice = SluiceUnderTest.start(tlsYaml("strict", rtsps, pair.cert(), pair.key()))) {
            assertThat(refused(sluice.rtspPort)).as("plain RTSP port refuses connections").isTrue();
            // the UDP pair is free: nothing of Sluice's is bound to it
            try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress("127.0.0.1", sluice.rtpPort))) {
                assertThat(rtp.isBound()).isTrue();
            }
            try (Peer plain = Peer.start("publish-rtsp.sh", sluice.rtsp("plain"), "2")) {
                assertThat(plain.await(Duration.ofSeconds(30))).as("plain RTSP refused: " + plain.output()).isNotZero();
            }
            try (Peer pub = CameraClip.publishRtsp("rtsps://127.0.0.1:" + rtsps + "/cam", 3)) {
                assertThat(Wait.until(() -> sessions(sluice, "rtsps").size() == 1, Duration.ofSeconds(15)))
                        .as(pub.output()).isTrue();
                assertThat(pub.await(Duration.ofSeconds(40))).as(pub.output()).isZero();
            }
        }
    }

    /** Turning RTSPS on through the API's config patch (as a hot reload would) restarts the RTSP server with it. */
    @Test
    void rtspsTurnedOnAtRunTime() throws Exception {
        TestCert pair = TestCert.selfSigned(dir, "r");
        int rtsps = Ports.tcp();
        try (SluiceUnderTest sluice = SluiceUnderTest.start("")) {
            assertThat(refused(rtsps)).isTrue();
            String patch = JSON.writeValueAsString(Map.of("rtspEncryption", "optional",
                    "rtspsAddress", "127.0.0.1:" + rtsps, "rtspServerKey", pair.key(), "rtspServerCert", pair.cert()));
            var r = HTTP.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(sluice.api() + "/v3/config/global/patch")).timeout(Duration.ofSeconds(20))
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString(patch)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Ports.awaitListening(rtsps, Duration.ofSeconds(10))).isTrue();
            assertThat(Ports.awaitListening(sluice.rtspPort, Duration.ofSeconds(10))).isTrue();
            try (Peer pub = CameraClip.publishRtsp("rtsps://127.0.0.1:" + rtsps + "/cam", 3)) {
                assertThat(Wait.until(() -> sessions(sluice, "rtsps").size() == 1, Duration.ofSeconds(15)))
                        .as(pub.output()).isTrue();
                assertThat(pub.await(Duration.ofSeconds(40))).as(pub.output()).isZero();
            }
        }
    }

    @Test
    void aMissingKeyFileStopsStartUpNamingIt() throws Exception {
        TestCert pair = TestCert.selfSigned(dir, "m");
        String missing = dir.resolve("missing-key.pem").toString();
        Throwable t = catchThrowable(() -> SluiceUnderTest.start(
                tlsYaml("optional", Ports.tcp(), pair.cert(), missing)).close());
        assertThat(t).isInstanceOf(TlsFileException.class)
                .hasMessage("rtspServerKey '" + missing + "': no such file");
    }

    /** The real launcher (its own JVM): a key given as the certificate exits 1 naming the setting and the file. */
    @Test
    void theLauncherNamesAnUnusableCertificateAndNeverQuotesTheKey() throws Exception {
        TestCert pair = TestCert.selfSigned(dir, "l");
        Path conf = dir.resolve("bad-cert.yml");
        Files.writeString(conf, """
                rtspAddress: 127.0.0.1:0
                rtpAddress: 127.0.0.1:0
                rtcpAddress: 127.0.0.1:0
                rtmpAddress: 127.0.0.1:0
                srtAddress: 127.0.0.1:0
                webrtcAddress: 127.0.0.1:0
                webrtcLocalUDPAddress: 127.0.0.1:0
                apiAddress: 127.0.0.1:0
                metricsAddress: 127.0.0.1:0
                """ + tlsYaml("strict", 0, pair.key(), pair.key()));
        Path out = dir.resolve("launcher.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "io.sluice.Main", conf.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as(Files.readString(out)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String log = Files.readString(out);
        assertThat(p.exitValue()).as(log).isEqualTo(1);
        assertThat(log).contains("rtspServerCert '" + pair.key() + "': not a PEM certificate chain");
        assertThat(log).doesNotContain(Files.readAllLines(Path.of(pair.key())).get(1));
    }
}
