package io.sluice;

import io.sluice.conf.ConfDocument;
import io.sluice.conf.ConfException;
import io.sluice.core.LogOutput;
import io.sluice.core.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training is the workload {@code ./sluice} runs once under {@code -XX:AOTCacheOutput} to record the JDK's
 * ahead-of-time cache (JEP 483/514/515: loaded and linked classes, and method profiles): a server with every
 * listener of the default configuration on loopback, a 10 s MPEG-TS clip (H264 + AAC, in the jar) sent to
 * it over UDP, and that stream forwarded through Sluice's own RTMP and RTSP (TCP and UDP) listeners and
 * onwards again, and over WHIP to Sluice's own WebRTC server, so that the RTMP, RTSP and WHIP client (forward)
 * and server (ingest) packet paths, the MPEG-TS demuxer and the API all run before the cache is written.
 * The WHIP leg matters since the server starts its WebRTC machinery (ice4j, DTLS, the SRTP warm-up) only for
 * the first WebRTC peer: without it none of those classes would be in the cache, and that first peer would
 * wait for them to load from the jars.
 *
 * <p>Every port is picked free at run time ({@link Ports#pick()}), so that two trainings (two builds) or a
 * running server do not clash.
 *
 * <p>It is in-process and needs no third-party program (the release tarball must train without ffmpeg).
 * The clip is sent at {@link #SPEED} times real time: what the cache records is which classes and methods
 * the packet paths use and how, and more packets per second give the profiles more samples.
 */
final class Training {
    /** The clip: ffmpeg 5.1 testsrc2 192x108@30 H264 baseline (GOP 30) + 440 Hz AAC mono, 10 s, MPEG-TS. */
    static final String CLIP = "/io/sluice/training.ts";
    static final double CLIP_SECONDS = 10;
    static final double SPEED = 2;
    /** Times the clip is sent at most, until every last hop has the stream. */
    static final int MAX_PASSES = 3;
    static final int TS_PACKET = 188;
    /** Seven TS packets per datagram, as ffmpeg and most encoders send them (1316 bytes). */
    static final int DATAGRAM = 7 * TS_PACKET;
    /** The paths every stream must reach for the training to have exercised both protocols both ways. */
    static final List<String> LAST_HOPS = List.of("train/rtmp2rtsp", "train/rtsp2rtmp", "train/udp", "train/webrtc");
    private static final Pattern READY_PATH = Pattern.compile(
            "\"name\":\"([^\"]+)\",[^{}]*?\"ready\":(true|false)");

    /**
     * The longest wait for the server (a bind, an API answer): generous, since the training runs at build
     * time on CI machines that may be busy with other builds.
     */
    static final long WAIT_MS = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(Training.class);

    private Training() {
    }

    /**
     * Runs the workload and reports on stderr which paths received the stream.
     *
     * @return 0 when every last hop received it, 1 otherwise (the cache is still written, only less useful)
     */
    static int run() {
        try {
            return train();
        } catch (Exception e) {
            // the JVM writes the cache anyway (with what ran so far); say why it is a partial one
            System.err.println("sluice: training: failed, the cache covers less: " + e);
            return 1;
        }
    }

    private static int train() throws Exception {
        Ports ports = Ports.pick();
        ConfDocument doc;
        try {
            doc = ConfDocument.parse(yaml(ports), "training");
        } catch (ConfException e) {
            throw new IllegalStateException("the training configuration is invalid: " + e.problems(), e);
        }
        LogOutput.apply(doc.conf().log());
        byte[] clip = clip();
        long t0 = System.nanoTime();
        try (Server server = new Server(doc)) {
            server.start();
            String base = "http://127.0.0.1:" + ports.api();
            get(base + "/v3/health/ready");
            awaitBound(ports.udp()); // the UDP source binds on its runner's first attempt, after start() returns
            long t1 = System.nanoTime();
            List<String> missing = new ArrayList<>(LAST_HOPS);
            // The WHIP leg connects only once its source path is up and starts the WebRTC machinery cold
            // (seconds on a busy machine): the clip is sent again until every last hop has the stream
            for (int pass = 0; pass < MAX_PASSES && !missing.isEmpty(); pass++) {
                send(clip, ports.udp());
                Thread.sleep(1000); // the last frames through two hops
                missing = notReady(get(base + "/v3/paths/list"));
            }
            get(base + "/v3/config/global/get");
            System.err.printf("sluice: training: start-up %.1f s, stream %.1f s: %s%n", (t1 - t0) / 1e9,
                    (System.nanoTime() - t1) / 1e9, missing.isEmpty() ? "the stream reached " + LAST_HOPS
                            : "no stream on " + missing + " (the cache is written anyway)");
            return missing.isEmpty() ? 0 : 1;
        }
    }

    /**
     * The ports the training's listeners bind, all picked free on loopback at run time; :0 in the configuration
     * where nothing needs to know the port beforehand.
     */
    record Ports(int rtsp, int rtp, int rtmp, int api, int udp, int webrtc) {
        /** Ports free now, all different (each probe socket stays bound until every port is picked). */
        static Ports pick() throws IOException {
            List<AutoCloseable> held = new ArrayList<>();
            try {
                int rtp = freeRtpPair();
                held.add(bindUdp(rtp));
                held.add(bindUdp(rtp + 1));
                int rtsp = holdTcp(held);
                int rtmp = holdTcp(held);
                int api = holdTcp(held);
                int webrtc = holdTcp(held);
                DatagramSocket u = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                held.add(u);
                return new Ports(rtsp, rtp, rtmp, api, u.getLocalPort(), webrtc);
            } finally {
                for (AutoCloseable c : held) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        LOG.debug("closing a port probe: {}", e.toString());
                    }
                }
            }
        }

        private static int holdTcp(List<AutoCloseable> held) throws IOException {
            ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            held.add(s);
            return s.getLocalPort();
        }

        private static DatagramSocket bindUdp(int port) throws IOException {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }

    /**
     * The configuration: the default one's listeners on loopback (free ports, :0 where nothing connects to
     * them), a UDP MPEG-TS source and a forward chain through RTMP, RTSP and WHIP.
     */
    static String yaml(Ports p) {
        return """
                logLevel: error
                rtspAddress: 127.0.0.1:%1$d
                rtspTransports: [udp, tcp]
                rtpAddress: 127.0.0.1:%5$d
                rtcpAddress: 127.0.0.1:%6$d
                rtmpAddress: 127.0.0.1:%2$d
                srtAddress: 127.0.0.1:0
                webrtcAddress: 127.0.0.1:%7$d
                webrtcLocalUDPAddress: 127.0.0.1:0
                apiAddress: 127.0.0.1:%3$d
                metricsAddress: 127.0.0.1:0
                paths:
                  train/ts:
                    source: udp+mpegts://127.0.0.1:%4$d
                    forwardTargets:
                      - url: rtmp://127.0.0.1:%2$d/train/rtmp
                      - url: rtsp://127.0.0.1:%1$d/train/rtsp
                        rtspConfig: {transport: tcp}
                      - url: whip://127.0.0.1:%7$d/train/webrtc/whip
                  train/rtmp:
                    forwardTargets:
                      - url: rtsp://127.0.0.1:%1$d/train/rtmp2rtsp
                  train/rtsp:
                    forwardTargets:
                      - url: rtmp://127.0.0.1:%2$d/train/rtsp2rtmp
                      - url: rtsp://127.0.0.1:%1$d/train/udp
                        rtspConfig: {transport: udp}
                  train/rtmp2rtsp: {}
                  train/rtsp2rtmp: {}
                  train/udp: {}
                  train/webrtc: {}
                """.formatted(p.rtsp(), p.rtmp(), p.api(), p.udp(), p.rtp(), p.rtp() + 1, p.webrtc());
    }

    /** The {@link #LAST_HOPS} that the API's path list does not show ready. */
    static List<String> notReady(String pathsJson) {
        List<String> missing = new ArrayList<>(LAST_HOPS);
        Matcher m = READY_PATH.matcher(pathsJson);
        while (m.find()) {
            if (m.group(2).equals("true")) {
                missing.remove(m.group(1));
            }
        }
        return missing;
    }

    private static byte[] clip() throws IOException {
        try (InputStream in = Training.class.getResourceAsStream(CLIP)) {
            if (in == null) {
                throw new IOException("the training clip " + CLIP + " is not in the jar");
            }
            return in.readAllBytes();
        }
    }

    /** Sends the clip as datagrams at an even rate over CLIP_SECONDS / SPEED (the clip is near-CBR). */
    private static void send(byte[] clip, int port) throws IOException, InterruptedException {
        long spanNanos = (long) (CLIP_SECONDS / SPEED * 1e9);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket s = new DatagramSocket()) {
            long start = System.nanoTime();
            for (int off = 0; off < clip.length; off += DATAGRAM) {
                long due = start + spanNanos * off / clip.length;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                s.send(new DatagramPacket(clip, off, Math.min(DATAGRAM, clip.length - off), to));
            }
        }
    }

    /** Waits until someone (the path's UDP source) has bound the port, for up to {@link #WAIT_MS}. */
    private static void awaitBound(int port) throws InterruptedException, IOException {
        long end = System.nanoTime() + WAIT_MS * 1_000_000L;
        while (System.nanoTime() < end) {
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                LOG.debug("UDP {} not bound yet ({})", port, probe.getLocalSocketAddress());
            } catch (java.net.BindException bound) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IOException("the training source did not bind UDP " + port + " within " + WAIT_MS + " ms");
    }

    private static String get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout((int) WAIT_MS);
        c.setReadTimeout((int) WAIT_MS);
        try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    /** An even port P with P and P+1 free for UDP: the RTSP server's RTP/RTCP pair. */
    private static int freeRtpPair() throws IOException {
        for (int i = 0; i < 200; i++) {
            int p = freeUdp();
            if (p % 2 != 0 || p > 65000) {
                continue;
            }
            try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p));
                    DatagramSocket b = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p + 1))) {
                return p;
            } catch (IOException busy) {
                LOG.debug("UDP {} or {} is taken: {}", p, p + 1, busy.toString());
            }
        }
        throw new IOException("no free UDP port pair for RTP/RTCP on loopback");
    }

    private static int freeUdp() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
