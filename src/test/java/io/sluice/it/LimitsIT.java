package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connection limits, handshake deadlines, size limits and the session cap hold against abusive clients
 * (slowloris, connection floods, oversized headers and bodies) on every TCP listener, while a camera-like
 * RTSP publisher and an ffmpeg reader carry on untouched, and every refusal shows in
 * {@code sluice_refused_total}.
 *
 * <p>The abuse comes from 127.0.0.2 (loopback, another client address), the real peers from 127.0.0.1:
 * the per-address limit must stop the abuser without costing the real clients their slots.
 */
@Timeout(240)
class LimitsIT {
    static final int PER_IP = 8;
    static final Duration DEADLINE = Duration.ofSeconds(2);
    static final String ABUSER = "127.0.0.2";
    static final int PUBLISH_SECONDS = 34;
    static final int READ_SECONDS = 22;

    @Test
    void abusiveClientsAreRefusedCountedAndCostTheRealReaderNothing() throws Exception {
        CameraClip.file(); // encoded before any peer's clock starts
        String yaml = """
                maxConnectionsPerIP: %d
                handshakeTimeout: 2s
                maxHeaderBytes: 4096
                maxBodyBytes: 65536
                maxSessions: 2
                paths:
                  all_others: {}
                """.formatted(PER_IP);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer pub = CameraClip.publishRtsp(sluice.rtsp("live/cam"), PUBLISH_SECONDS)) {
            assertThat(Wait.until(() -> sluice.server().paths().get("live/cam") != null
                    && sluice.server().paths().get("live/cam").hasPublisher(), Duration.ofSeconds(15)))
                    .as(pub.output()).isTrue();
            Map<String, Integer> listeners = new LinkedHashMap<>();
            listeners.put("rtsp", sluice.rtspPort);
            listeners.put("rtmp", sluice.rtmpPort);
            listeners.put("api", port(sluice.api()));
            listeners.put("metrics", port(sluice.metrics()));
            listeners.put("webrtc", sluice.webrtcPort);
            // ffmpeg reads over RTMP: its RTSP reader cannot mux B-frames without DTS into its file
            try (Peer reader = Peer.start("read-rtmp.sh", sluice.rtmp("live/cam"), Integer.toString(READ_SECONDS))) {
                assertThat(Wait.until(() -> sluice.server().paths().sessions().readers("live/cam") > 0,
                        Duration.ofSeconds(15))).as(reader.output()).isTrue();
                scrape(sluice); // the test's own HTTP client set up before counting descriptors
                Map<String, String> fdsBefore = openFds();

                // (a) slowloris: one byte a second, never a whole request or handshake
                Map<String, Future<Long>> slow = new LinkedHashMap<>();
                try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                    listeners.forEach((name, port) -> slow.put(name, threads.submit(() -> slowloris(name, port))));
                    for (var e : slow.entrySet()) {
                        long ms = e.getValue().get();
                        System.out.println("slowloris on " + e.getKey() + " closed after " + ms + " ms");
                        assertThat(ms).as("slowloris on " + e.getKey() + " closed at the 2 s deadline")
                                .isBetween(DEADLINE.toMillis() - 300, DEADLINE.toMillis() + 2500);
                    }
                }
                String m = scrape(sluice);
                for (String name : listeners.keySet()) {
                    assertThat(refused(m, name, "handshake_timeout")).as(name + "\n" + refusedLines(m)).isEqualTo(1);
                }

                // (b) more connections from one address than maxConnectionsPerIP, on every listener
                for (var e : listeners.entrySet()) {
                    List<Socket> idle = new ArrayList<>();
                    try {
                        for (int i = 0; i < PER_IP; i++) {
                            idle.add(abuser(e.getValue()));
                        }
                        // connect() returns once the kernel has the connection; give the server's loops
                        // time to accept and count all 8 (each on its own loop) before the 9th
                        Thread.sleep(500);
                        try (Socket extra = abuser(e.getValue())) {
                            String reply = readUntilClosed(extra, Duration.ofSeconds(2));
                            System.out.println(e.getKey() + " connection " + (PER_IP + 1) + " got: "
                                    + reply.lines().findFirst().orElse("(closed, nothing)"));
                            switch (e.getKey()) {
                                case "rtsp" -> assertThat(reply).startsWith("RTSP/1.0 503 Service Unavailable\r\n");
                                case "rtmp" -> assertThat(reply).as("RTMP: closed without a word").isEmpty();
                                default -> assertThat(reply).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                                        .contains("Connection: close");
                            }
                        }
                    } finally {
                        for (Socket s : idle) {
                            s.close();
                        }
                    }
                }
                m = scrape(sluice);
                for (String name : listeners.keySet()) {
                    assertThat(refused(m, name, "ip_connections")).as(name + "\n" + refusedLines(m)).isEqualTo(1);
                    assertThat(refused(m, name, "handshake_timeout")).as("the 8 idle ones were closed by the test, "
                            + "in time: " + name).isEqualTo(1);
                }

                // (c) oversized RTSP header and body, HTTP header and body
                int rtsp = sluice.rtspPort;
                String url = sluice.rtsp("live/cam");
                assertThat(exchange(rtsp, "OPTIONS " + url + " RTSP/1.0\r\nCSeq: 1\r\nX-Pad: " + "a".repeat(5000)
                        + "\r\n\r\n")).startsWith("RTSP/1.0 400 ");
                assertThat(exchange(rtsp, "ANNOUNCE " + url + " RTSP/1.0\r\nCSeq: 2\r\nContent-Type: application/sdp"
                        + "\r\nContent-Length: 100000\r\n\r\nv=0\r\n")).startsWith("RTSP/1.0 413 ");
                for (String name : List.of("api", "webrtc")) {
                    int port = listeners.get(name);
                    assertThat(exchange(port, "GET /v3/paths/list HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(5000)
                            + "\r\n\r\n")).as(name).startsWith("HTTP/1.1 431 ");
                    assertThat(exchange(port, "POST /live/cam/whip HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            + "application/sdp\r\nContent-Length: 100000\r\n\r\nv=0\r\n")).as(name)
                            .startsWith("HTTP/1.1 413 ");
                }
                m = scrape(sluice);
                assertThat(refused(m, "rtsp", "header_too_large")).as(refusedLines(m)).isEqualTo(1);
                assertThat(refused(m, "rtsp", "body_too_large")).as(refusedLines(m)).isEqualTo(1);
                for (String name : List.of("api", "webrtc")) {
                    assertThat(refused(m, name, "header_too_large")).as(refusedLines(m)).isEqualTo(1);
                    assertThat(refused(m, name, "body_too_large")).as(refusedLines(m)).isEqualTo(1);
                }

                // (d) the session cap: the publisher holds 1 of 2 RTSP sessions
                assertThat(reader.isAlive()).as("the reader still reads: " + reader.output()).isTrue();
                String setup = "SETUP " + url + "/trackID=0 RTSP/1.0\r\nCSeq: 1\r\n"
                        + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n";
                try (Socket third = new Socket("127.0.0.1", rtsp); Socket fourth = new Socket("127.0.0.1", rtsp)) {
                    assertThat(request(third, setup)).startsWith("RTSP/1.0 200 ");
                    assertThat(request(fourth, setup)).startsWith("RTSP/1.0 503 ");
                }
                m = scrape(sluice);
                assertThat(refused(m, "rtsp", "max_sessions")).as(refusedLines(m)).isEqualTo(1);

                // the limits are released: the abuser's address gets its 8 connections again
                Thread.sleep(500);
                List<Socket> again = new ArrayList<>();
                try {
                    for (int i = 0; i < PER_IP; i++) {
                        again.add(abuser(sluice.rtspPort));
                    }
                    Thread.sleep(300);
                    assertThat(refused(scrape(sluice), "rtsp", "ip_connections")).isEqualTo(1);
                } finally {
                    for (Socket s : again) {
                        s.close();
                    }
                }
                Thread.sleep(1000);
                Map<String, String> fdsAfter = openFds();
                Map<String, String> added = new LinkedHashMap<>(fdsAfter);
                added.entrySet().removeAll(fdsBefore.entrySet());
                System.out.println("open fds: " + fdsBefore.size() + " before the abuse, " + fdsAfter.size()
                        + " after; new: " + added);
                // no socket of the abuse may stay open; a few non-socket descriptors are allowed: the JDK opens
                // its virtual-thread I/O pollers (anon_inode:[eventpoll]) lazily, on the abuse's first blocking reads
                assertThat(added.values()).as("sockets left open after the abuse").noneMatch(t -> t.startsWith("socket:"));
                assertThat(fdsAfter.size()).as("file descriptors back where they were")
                        .isLessThanOrEqualTo(fdsBefore.size() + 4);

                // a new reader after the abuse, while the stream still runs
                try (Peer late = Peer.start("read-rtmp.sh", sluice.rtmp("live/cam"), "5")) {
                    late.await(Duration.ofSeconds(60));
                    Map<String, String> r = late.result("READ");
                    System.out.println("reader after the abuse: " + r);
                    assertThat(r.get("video")).as(late.output()).isEqualTo("h264");
                    assertThat(Integer.parseInt(r.get("frames"))).as(late.output())
                            .isGreaterThanOrEqualTo(MediaChecks.lossless(4 * CameraClip.FPS, CameraClip.FPS));
                }

                reader.await(Duration.ofSeconds(READ_SECONDS + 60));
                Map<String, String> r = reader.result("READ");
                System.out.println("reader through the abuse: " + r);
                assertThat(r.get("video")).as(reader.output()).isEqualTo("h264");
                // from its join at a keyframe (the GOP cache) for READ_SECONDS, less ffmpeg's 1 s probe
                assertThat(Integer.parseInt(r.get("frames"))).as("reader through all the abuse: " + reader.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless((READ_SECONDS - 1) * CameraClip.FPS,
                                CameraClip.FPS));
            }
            assertThat(pub.await(Duration.ofSeconds(PUBLISH_SECONDS + 60))).as(pub.output()).isZero();
        }
    }

    /**
     * SRT: libsrt runs the handshake, and the listen callback refuses a caller over maxConnectionsPerIP with
     * SRT_REJX_OVERLOAD. Eight srt-live-transmit publishers that send nothing hold the slots (until readTimeout),
     * the ninth is refused in its handshake and counted.
     */
    @Test
    void srtCallersOverThePerAddressLimitAreRefusedInTheHandshake() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("maxConnectionsPerIP: %d\nreadTimeout: 30s\n".formatted(PER_IP)
                + "paths:\n  all_others: {}\n")) {
            List<Peer> callers = new ArrayList<>();
            try {
                for (int i = 1; i <= PER_IP; i++) {
                    callers.add(srtCaller(sluice, "p" + i));
                }
                assertThat(Wait.until(() -> srtAccepted(sluice) == PER_IP, Duration.ofSeconds(20)))
                        .as("8 callers accepted: " + srtAccepted(sluice)).isTrue();
                Peer ninth = srtCaller(sluice, "p9");
                callers.add(ninth);
                assertThat(Wait.until(() -> refused(scrapeQuietly(sluice), "srt", "ip_connections") == 1,
                        Duration.ofSeconds(15))).as(ninth.output()).isTrue();
                // libsrt reports the listener's code as "Application-defined rejection reason"
                assertThat(ninth.awaitLine("REJECT", Duration.ofSeconds(10))).as(ninth.output()).isTrue();
                System.out.println("9th SRT caller: " + ninth.output());
                assertThat(srtAccepted(sluice)).isEqualTo(PER_IP);
            } finally {
                callers.forEach(Peer::close);
            }
        }
    }

    /** An srt-live-transmit caller publishing to {@code path} from a pipe that stays silent, bounded in time. */
    private static Peer srtCaller(SluiceUnderTest sluice, String path) throws IOException {
        String url = sluice.srt() + "?streamid=publish:" + path;
        return Peer.command("srt-caller " + path, Map.of(), List.of("bash", "-c",
                "sleep 40 | timeout -k 2 40 srt-live-transmit -a no -v file://con \"$1\" 2>&1", "srt", url));
    }

    /** SRT connections the server holds now, from its per-listener count (publishers that sent nothing included). */
    private static int srtAccepted(SluiceUnderTest sluice) {
        return sluice.server().srtConnections();
    }

    private static String scrapeQuietly(SluiceUnderTest sluice) {
        try {
            return scrape(sluice);
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    /** A connection from the abuser's address. */
    private static Socket abuser(int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(ABUSER, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        return s;
    }

    /** Sends one byte of a plausible start a second; returns the ms from connect until the server closed. */
    private static long slowloris(String name, int port) throws IOException {
        byte[] start = switch (name) {
            case "rtsp" -> "OPTIONS rtsp://127.0.0.1/ RTSP/1.0\r\nCSeq: 1\r\n".getBytes(StandardCharsets.US_ASCII);
            case "rtmp" -> new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7}; // C0 + the start of C1
            default -> "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa".getBytes(
                    StandardCharsets.US_ASCII);
        };
        try (Socket s = abuser(port)) {
            long t0 = System.nanoTime();
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 10; i++) {
                try {
                    out.write(start[i % start.length]);
                    out.flush();
                    if (in.read() < 0) {
                        return (System.nanoTime() - t0) / 1_000_000;
                    }
                } catch (SocketTimeoutException e) {
                    continue; // still open: next byte
                } catch (IOException e) { // reset
                    return (System.nanoTime() - t0) / 1_000_000;
                }
            }
            return Long.MAX_VALUE; // never closed
        }
    }

    /** A new connection from the abuser's address: sends {@code text}, returns all the server said until it closed. */
    private static String exchange(int port, String text) throws IOException {
        try (Socket s = abuser(port)) {
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            return readUntilClosed(s, Duration.ofSeconds(5));
        }
    }

    /** Sends one request on {@code s} and returns the response head (up to its empty line). */
    private static String request(Socket s, String text) throws IOException {
        s.setSoTimeout(5000);
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        while (!b.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static String readUntilClosed(Socket s, Duration max) throws IOException {
        s.setSoTimeout((int) max.toMillis());
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            s.getInputStream().transferTo(b);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("not closed within " + max + "; got: " + b.toString(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // a reset after the reply: what was read counts
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private static int port(String url) {
        return URI.create(url).getPort();
    }

    private static String scrape(SluiceUnderTest sluice) throws IOException, InterruptedException {
        try (HttpClient c = HttpClient.newHttpClient()) {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(sluice.metrics())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return r.body();
        }
    }

    private static final Pattern REFUSED = Pattern.compile("^sluice_refused_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    /** The value of sluice_refused_total{protocol, cause}; 0 when absent. */
    static long refused(String metrics, String protocol, String cause) {
        Matcher m = REFUSED.matcher(metrics);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("protocol=\"" + protocol + "\"") && labels.contains("cause=\"" + cause + "\"")) {
                return (long) Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    private static String refusedLines(String metrics) {
        return String.join("\n", metrics.lines().filter(l -> l.startsWith("sluice_refused")).toList());
    }

    /** This process's open descriptors: number → what it points to ("socket:[123]", "pipe:[..]", a file). */
    private static Map<String, String> openFds() throws IOException {
        Map<String, String> fds = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                try {
                    fds.put(p.getFileName().toString(), Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    // closed while listing (the listing's own descriptor)
                }
            }
        }
        return fds;
    }
}
