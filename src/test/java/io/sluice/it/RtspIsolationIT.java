package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.forward.DestState;
import io.sluice.forward.DestStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One slow or stalled forward target must not hold back the others or the local readers: the
 * publisher's thread never waits for a target, a full target queue drops for that target only.
 */
@Timeout(120)
class RtspIsolationIT {
    static final int FPS = 30;

    @Test
    void targetBehindASlowLinkDoesNotDelayTheDirectOne() throws Exception {
        int direct = Ports.tcp();
        int slow = Ports.tcp();
        int proxy = Ports.tcp();
        int seconds = 10;
        String yaml = """
                paths:
                  live/test:
                    forwardTargets:
                      - id: direct
                        url: rtsp://127.0.0.1:%d/live/a
                        rtspConfig: {transport: tcp}
                      - id: slow
                        url: rtsp://127.0.0.1:%d/live/b
                        rtspConfig: {transport: tcp}
                """.formatted(direct, proxy);
        try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                Peer latency = Peer.start("latency-rtp.sh", Integer.toString(sluice.rtspPort),
                        Integer.toString(direct), Integer.toString(seconds + 3));
                Peer sinkDirect = Peer.start("sink-rtsp.sh", Integer.toString(direct), "live/a",
                        Integer.toString(seconds + 6));
                Peer sinkSlow = Peer.start("sink-rtsp.sh", Integer.toString(slow), "live/b",
                        Integer.toString(seconds + 6));
                Peer delay = Peer.start("tcp-delay-proxy.sh", Integer.toString(proxy), Integer.toString(slow), "300",
                        Integer.toString(seconds + 6))) {
            assertThat(delay.awaitLine("PROXY listening", Duration.ofSeconds(10))).as(delay.output()).isTrue();
            Thread.sleep(1000); // dumpcap must run before the sessions start
            try (Peer pub = Peer.start("publish-rtsp.sh", sluice.rtsp("live/test"), Integer.toString(seconds))) {
                assertThat(pub.await(Duration.ofSeconds(seconds + 30))).as(pub.output()).isZero();
            }
            List<DestStats> stats = sluice.server().paths().get("live/test").forwardStats();
            latency.await(Duration.ofSeconds(90));
            Map<String, String> unit = lastLine(latency, "LATENCY_ALL mode=unit");
            System.out.println("direct target added latency (unit): " + unit);
            assertThat(Integer.parseInt(unit.get("matched"))).as(latency.output()).isGreaterThan(seconds * FPS / 2);
            assertThat(Integer.parseInt(unit.get("p50_us"))).as("direct target's added latency: " + latency.output())
                    .isLessThan(20_000);
            sinkDirect.await(Duration.ofSeconds(60));
            sinkSlow.await(Duration.ofSeconds(60));
            Map<String, String> rd = sinkDirect.result("RECEIVED");
            assertThat(rd.get("video")).isEqualTo("h264");
            assertThat(Integer.parseInt(rd.get("frames"))).as(sinkDirect.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless(seconds * FPS, FPS));
            Map<String, String> rs = sinkSlow.result("RECEIVED");
            assertThat(rs.get("video")).as("the slow target works too, just later").isEqualTo("h264");
            // a delayed link loses nothing either; one more second of edge, as its session starts later (each
            // RTSP request crosses the 300 ms delay before RECORD)
            assertThat(Integer.parseInt(rs.get("frames"))).as(sinkSlow.output())
                    .isGreaterThanOrEqualTo(MediaChecks.lossless((seconds - 1) * FPS, FPS));
            assertThat(stats).allSatisfy(s -> assertThat(s.dropped()).as(s.id()).isZero());
        }
    }

    @Test
    void stalledTargetDropsOnlyItsOwnPackets() throws Exception {
        int sinkPort = Ports.tcp();
        int seconds = 10;
        try (StalledRtspServer stalled = new StalledRtspServer()) {
            String yaml = """
                    paths:
                      live/test:
                        publisherGrace: 0    # the stream ends as the publisher leaves: targets stop at once
                        forwardTargets:
                          - id: stalled
                            url: rtsp://127.0.0.1:%d/live/x
                            queueSize: 64
                            reconnectDelay: 500ms
                            rtspConfig: {transport: tcp}
                          - id: sink
                            url: rtsp://127.0.0.1:%d/live/a
                            rtspConfig: {transport: tcp}
                    """.formatted(stalled.port(), sinkPort);
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml);
                    Peer sink = Peer.start("sink-rtsp.sh", Integer.toString(sinkPort), "live/a",
                            Integer.toString(seconds + 6))) {
                Thread.sleep(500);
                try (Peer pub = Peer.start("publish-rtsp.sh", Map.of("VBITRATE", "3M"), sluice.rtsp("live/test"),
                        Integer.toString(seconds))) {
                    Thread.sleep(1500);
                    try (Peer reader = Peer.start("read-rtsp.sh", sluice.rtsp("live/test"), "7")) {
                        reader.await(Duration.ofSeconds(40));
                        Map<String, String> r = reader.result("READ");
                        assertThat(r.get("video")).isEqualTo("h264");
                        // 7 s read from 1.5 s in, less ffmpeg's 1 s probe: 6 s, none lost to the stalled target
                        assertThat(Integer.parseInt(r.get("frames"))).as(reader.output())
                                .isGreaterThanOrEqualTo(MediaChecks.lossless(6 * FPS, FPS));
                    }
                    assertThat(pub.await(Duration.ofSeconds(seconds + 30))).as(pub.output()).isZero();
                }
                // Past the targets' 500 ms reconnectDelay: a stopped runner must stay stopped.
                Thread.sleep(2500);
                List<DestStats> stats = sluice.server().paths().get("live/test").forwardStats();
                assertThat(stalled.requests()).as("the fake server took a RECORD session").contains("RECORD");
                assertThat(stalled.requests()).as("no reconnect after the stream ended")
                        .filteredOn("ANNOUNCE"::equals).hasSize(1);
                assertThat(stats).as("targets idle once the publisher left").allSatisfy(
                        s -> assertThat(s.state()).as(s.toString()).isEqualTo(DestState.IDLE));
                DestStats st = stats.getFirst();
                System.out.println("forward stats: " + stats);
                assertThat(st.id()).isEqualTo("stalled");
                assertThat(st.dropped()).as(st.toString()).isPositive();
                assertThat(stats.get(1).dropped()).as(stats.get(1).toString()).isZero();
                sink.await(Duration.ofSeconds(60));
                Map<String, String> r = sink.result("RECEIVED");
                assertThat(r.get("video")).isEqualTo("h264");
                // the healthy target loses nothing to its stalled sibling
                assertThat(Integer.parseInt(r.get("frames"))).as(sink.output())
                        .isGreaterThanOrEqualTo(MediaChecks.lossless(seconds * FPS, FPS));
            }
        }
    }

    private static Map<String, String> lastLine(Peer p, String prefix) {
        List<String> lines = p.lines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix + " ")) {
                return Peer.fields(lines.get(i).substring(prefix.length() + 1));
            }
        }
        throw new AssertionError("no '" + prefix + "' line:\n" + p.output());
    }

    /**
     * StalledRtspServer answers OPTIONS/ANNOUNCE/SETUP/RECORD with 200 (SETUP echoes the interleaved
     * transport and sets a Session) and then never reads again, like a target whose network froze.
     * Its receive buffer is tiny so the forwarder's socket fills within a second.
     */
    static final class StalledRtspServer implements AutoCloseable {
        private static final Pattern CSEQ = Pattern.compile("(?im)^CSeq:\\s*(\\d+)");
        private static final Pattern TRANSPORT = Pattern.compile("(?im)^Transport:\\s*(.+?)\\s*$");
        private static final Pattern LENGTH = Pattern.compile("(?im)^Content-Length:\\s*(\\d+)");
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("it-stalled-", 0).factory());
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final List<String> requests = new CopyOnWriteArrayList<>();

        StalledRtspServer() throws IOException {
            server = new ServerSocket();
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            threads.submit(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        List<String> requests() {
            return requests;
        }

        private Void accept() throws IOException {
            while (!server.isClosed()) {
                Socket s = server.accept();
                sockets.add(s);
                threads.submit(() -> serve(s));
            }
            return null;
        }

        private Void serve(Socket s) throws IOException {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String req = head(in);
                if (req == null) {
                    return null;
                }
                Matcher len = LENGTH.matcher(req);
                if (len.find()) {
                    in.readNBytes(Integer.parseInt(len.group(1)));
                }
                String method = req.substring(0, req.indexOf(' ')).toUpperCase(Locale.ROOT);
                requests.add(method);
                Matcher cseq = CSEQ.matcher(req);
                StringBuilder res = new StringBuilder("RTSP/1.0 200 OK\r\nCSeq: ")
                        .append(cseq.find() ? cseq.group(1) : "0").append("\r\n");
                if (method.equals("OPTIONS")) {
                    res.append("Public: OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN\r\n");
                }
                if (method.equals("SETUP")) {
                    Matcher t = TRANSPORT.matcher(req);
                    res.append("Transport: ").append(t.find() ? t.group(1) : "").append("\r\n");
                }
                if (!method.equals("OPTIONS") && !method.equals("ANNOUNCE")) {
                    res.append("Session: 12345678;timeout=60\r\n");
                }
                out.write(res.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (method.equals("RECORD")) {
                    return null; // stall: never read again; close() closes the socket
                }
            }
        }

        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                b.write(c);
                byte[] a = b.toByteArray();
                int n = a.length;
                if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                    return b.toString(StandardCharsets.US_ASCII);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
            threads.shutdownNow();
            threads.close();
        }
    }
}
