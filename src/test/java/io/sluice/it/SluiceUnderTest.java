package io.sluice.it;

import io.sluice.conf.ConfLoader;
import io.sluice.core.Server;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * SluiceUnderTest runs a Sluice server in the test's JVM on free loopback ports, configured with the
 * YAML a test gives for its paths (and for top-level keys it does not set itself, e.g. rtmpEncryption).
 * Closing it fails the test if a thread the server started is still alive a few seconds later.
 */
final class SluiceUnderTest implements AutoCloseable {
    /** How long close() waits for the server's threads to end before naming the survivors. */
    static final java.time.Duration THREADS_END_WITHIN = java.time.Duration.ofSeconds(5);
    /**
     * Servers open in this JVM and the threads alive before the first of them started. A test may run two
     * servers at once; threads are checked when the last one closes, since which server started which thread
     * is not visible from outside.
     */
    private static int open;
    private static java.util.Set<Long> threadsBefore;
    final int rtspPort;
    final int rtpPort;
    /** The RTMP listener's port (bound only when rtmpEncryption is no or optional). */
    final int rtmpPort;
    /** The RTMPS listener's port (bound only when rtmpEncryption is optional or strict). */
    final int rtmpsPort;
    /** The SRT listener's UDP port. */
    final int srtPort;
    /** The WebRTC server's HTTP port (WHIP/WHEP). */
    final int webrtcPort;
    private final Server server;

    private SluiceUnderTest(int rtspPort, int rtpPort, int rtmpPort, int rtmpsPort, int srtPort, int webrtcPort,
            Server server) {
        this.rtspPort = rtspPort;
        this.rtpPort = rtpPort;
        this.rtmpPort = rtmpPort;
        this.rtmpsPort = rtmpsPort;
        this.srtPort = srtPort;
        this.webrtcPort = webrtcPort;
        this.server = server;
    }

    /**
     * @param yaml extra top-level YAML, typically a {@code paths:} block. The listener addresses are set
     *     here, on free ports: never the defaults, which two servers of one test (or a stray server on the
     *     machine) would share.
     */
    static SluiceUnderTest start(String yaml) throws Exception {
        return start(yaml, null);
    }

    /**
     * Like {@link #start(String)}, but the configuration is written to {@code file} and loaded from there,
     * so that saving and hot reload work on it.
     */
    static SluiceUnderTest start(String yaml, java.nio.file.Path file) throws Exception {
        synchronized (SluiceUnderTest.class) {
            if (open++ == 0) {
                threadsBefore = ThreadCensus.ids();
            }
        }
        try {
            return startServer(yaml, file);
        } catch (Exception | Error e) {
            closed(false);
            throw e;
        }
    }

    private static SluiceUnderTest startServer(String yaml, java.nio.file.Path file) throws Exception {
        int rtsp = Ports.tcp();
        int rtp = Ports.udpPair();
        int rtmp = Ports.tcp();
        int rtmps = Ports.tcp();
        int srt = Ports.udp();
        int webrtc = Ports.tcp();
        int webrtcUdp = Ports.udp();
        String conf = """
                logLevel: debug
                rtspAddress: 127.0.0.1:%d
                rtpAddress: 127.0.0.1:%d
                rtcpAddress: 127.0.0.1:%d
                rtmpAddress: 127.0.0.1:%d
                rtmpsAddress: 127.0.0.1:%d
                srtAddress: 127.0.0.1:%d
                webrtcAddress: 127.0.0.1:%d
                webrtcLocalUDPAddress: 127.0.0.1:%d
                apiAddress: 127.0.0.1:0
                metricsAddress: 127.0.0.1:0
                """.formatted(rtsp, rtp, rtp + 1, rtmp, rtmps, srt, webrtc, webrtcUdp) + yaml;
        io.sluice.conf.ConfDocument doc;
        if (file == null) {
            doc = io.sluice.conf.ConfDocument.parse(conf, "it.yml");
        } else {
            java.nio.file.Files.writeString(file, conf);
            doc = io.sluice.conf.ConfDocument.load(file);
        }
        Server s = new Server(doc);
        s.start();
        return new SluiceUnderTest(rtsp, rtp, rtmp, rtmps, srt, webrtc, s);
    }

    String rtsp(String path) {
        return "rtsp://127.0.0.1:" + rtspPort + "/" + path;
    }

    /** rtmp://127.0.0.1:PORT/APP/KEY for path "APP/KEY". */
    String rtmp(String path) {
        return "rtmp://127.0.0.1:" + rtmpPort + "/" + path;
    }

    String rtmps(String path) {
        return "rtmps://127.0.0.1:" + rtmpsPort + "/" + path;
    }

    /** srt://127.0.0.1:PORT (peer scripts add the streamid). */
    String srt() {
        return "srt://127.0.0.1:" + srtPort;
    }

    /** http://127.0.0.1:PORT/PATH/whip */
    String whip(String path) {
        return "http://127.0.0.1:" + webrtcPort + "/" + path + "/whip";
    }

    /** http://127.0.0.1:PORT/PATH/whep */
    String whep(String path) {
        return "http://127.0.0.1:" + webrtcPort + "/" + path + "/whep";
    }

    /** http://127.0.0.1:PORT of the API and status page. */
    String api() {
        return "http://127.0.0.1:" + server.apiPort();
    }

    /** GET of one API resource ("/v3/..."), its JSON body; fails unless 200. */
    JsonNode apiGet(String resource) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api() + resource))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + resource + ": " + r.statusCode() + " " + r.body());
            }
            return new ObjectMapper().readTree(r.body());
        }
    }

    /** http://127.0.0.1:PORT/metrics */
    String metrics() {
        return "http://127.0.0.1:" + server.metricsPort() + "/metrics";
    }

    Server server() {
        return server;
    }

    private boolean closed;

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close();
        closed(true);
    }

    /** Counts a server down; after the last one, fails if threads started since the first are still alive. */
    private static void closed(boolean check) {
        java.util.Set<Long> before;
        synchronized (SluiceUnderTest.class) {
            if (--open > 0) {
                return;
            }
            before = threadsBefore;
        }
        if (!check) {
            return;
        }
        java.util.List<ThreadCensus.Seen> left;
        try {
            left = ThreadCensus.survivors(before, THREADS_END_WITHIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!left.isEmpty()) {
            StringBuilder sb = new StringBuilder(left.size() + " thread(s) started by the server still alive "
                    + THREADS_END_WITHIN.toSeconds() + " s after close:");
            left.forEach(t -> sb.append("\n").append(t));
            throw new AssertionError(sb.toString());
        }
    }
}
