package io.sluice.source.rtsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoop;
import io.sluice.conf.DestUrl;
import io.sluice.conf.RtspTransport;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.net.NetLoops;
import io.sluice.path.Publisher;
import io.sluice.source.SourceContext;
import io.sluice.source.rtsp.FakeRtspCamera.Reply;
import io.sluice.source.rtsp.FakeRtspCamera.Request;
import io.sluice.stream.Codec;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.StreamReader;
import io.sluice.stream.Unit;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RtspSource against a scripted camera ({@link FakeRtspCamera}): Digest at DESCRIBE, an SDP with a track Sluice
 * cannot take, interleaved and UDP RTP arriving in the stream in order, the camera's choice of channels,
 * foreign UDP senders dropped, automatic falling back to TCP on 461, the read timeout, errors that name the
 * status and the user, and TEARDOWN on close.
 */
@Timeout(30)
class RtspSourceTest {
    private static final String SDP = """
            v=0\r
            o=- 1 1 IN IP4 127.0.0.1\r
            s=cam\r
            t=0 0\r
            a=control:*\r
            m=video 0 RTP/AVP 96\r
            a=rtpmap:96 H264/90000\r
            a=fmtp:96 packetization-mode=1;profile-level-id=64001f\r
            a=control:trackID=0\r
            m=application 0 RTP/AVP 107\r
            a=control:trackID=1\r
            m=audio 0 RTP/AVP 97\r
            a=rtpmap:97 MPEG4-GENERIC/48000/2\r
            a=fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1190\r
            a=control:trackID=2\r
            """;
    private static final String PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, GET_PARAMETER, TEARDOWN";

    private final NetLoops loops = new NetLoops(1);
    private final ExecutorService runner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("test-source-runner").factory());
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        runner.shutdownNow();
        runner.close();
        loops.close();
        waitFor(() -> Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .noneMatch(n -> n.startsWith("sluice-") || n.startsWith("test-")), "no thread to survive the test");
    }

    @Test
    void digestDescribeSkipsUnsupportedTrackAndInterleavedRtpArrivesInOrder() throws Exception {
        FakeRtspCamera cam = camera(r -> switch (r.method()) {
            case "OPTIONS" -> Reply.ok("Public", PUBLIC);
            case "DESCRIBE" -> digestOk(r, "admin", "s3cret") ? Reply.ok("Content-Base", base(r) + "/").body(SDP)
                    : Reply.status(401, "Unauthorized", "WWW-Authenticate", "Digest realm=\"cam\", nonce=\"n0nce\"");
            // the camera picks other channels for the audio than asked: the source must follow its answer
            case "SETUP" -> Reply.ok("Session", "abc;timeout=60", "Transport", r.uri().endsWith("trackID=0")
                    ? "RTP/AVP/TCP;unicast;interleaved=0-1" : "RTP/AVP/TCP;unicast;interleaved=6-7");
            case "PLAY" -> Reply.ok("Session", "abc").then(s -> {
                for (int i = 0; i < 50; i++) {
                    FakeRtspCamera.interleaved(s, 0, FakeRtspCamera.rtp(96, 1000 + i, 3000L * i, 0x1234, new byte[] {0x41, 1}));
                    if (i % 2 == 0) {
                        FakeRtspCamera.interleaved(s, 6, FakeRtspCamera.rtp(97, 7 + i / 2, 1024L * i, 0x99, new byte[20]));
                    }
                }
            });
            default -> Reply.ok("Session", "abc");
        });
        FakeContext ctx = new FakeContext();
        RtspSource source = source(cam, "admin", "s3cret", RtspTransport.TCP, false, Duration.ofSeconds(5));
        Future<?> run = start(source, ctx);

        waitFor(() -> ctx.units.size() == 75, "75 packets, got " + ctx.units.size());
        StreamDesc desc = ctx.descs.getFirst();
        assertThat(desc.medias()).extracting(m -> m.format().codec()).containsExactly(Codec.H264, Codec.MPEG4_AUDIO);
        assertThat(cam.requests()).filteredOn(r -> r.method().equals("SETUP")).extracting(Request::uri)
                .containsExactly(base(cam) + "/trackID=0", base(cam) + "/trackID=2");
        assertThat(ctx.seqs(0)).hasSize(50).isSorted().startsWith(1000).endsWith(1049);
        assertThat(ctx.seqs(1)).hasSize(25).isSorted().startsWith(7).endsWith(31);
        assertThat(cam.requests().stream().filter(r -> r.method().equals("DESCRIBE")).toList().getLast()
                .header("Authorization")).startsWith("Digest ").contains("username=\"admin\"");

        source.close();
        waitFor(() -> cam.methods().contains("TEARDOWN"), "TEARDOWN, got " + cam.methods());
        run.get(5, TimeUnit.SECONDS);
        assertThat(cam.requests().getLast().header("Session")).isEqualTo("abc");
        assertThat(ctx.closedPublishers.get()).isEqualTo(1);
    }

    @Test
    void describeNotFoundIsNamedInTheFailure() throws Exception {
        FakeRtspCamera cam = camera(r -> r.method().equals("DESCRIBE") ? Reply.status(404, "Stream Not Found")
                : Reply.ok("Public", PUBLIC));
        FakeContext ctx = new FakeContext();
        assertThatThrownBy(() -> runToEnd(source(cam, "", "", RtspTransport.TCP, false, Duration.ofSeconds(5)), ctx))
                .hasMessageContaining("DESCRIBE rtsp://127.0.0.1:" + cam.port() + "/cam refused: 404 Stream Not Found");
        assertThat(ctx.descs).as("nothing published").isEmpty();
    }

    @Test
    void wrongCredentialsNameTheUserAnd401() throws Exception {
        FakeRtspCamera cam = camera(r -> r.method().equals("DESCRIBE")
                ? Reply.status(401, "Unauthorized", "WWW-Authenticate", "Digest realm=\"cam\", nonce=\"n0nce\"")
                : Reply.ok("Public", PUBLIC));
        assertThatThrownBy(() -> runToEnd(source(cam, "admin", "wrong", RtspTransport.TCP, false,
                Duration.ofSeconds(5)), new FakeContext()))
                .hasMessageContaining("401").hasMessageContaining("user 'admin'").hasMessageNotContaining("wrong");
        assertThatThrownBy(() -> runToEnd(source(cam, "", "", RtspTransport.TCP, false, Duration.ofSeconds(5)),
                new FakeContext())).hasMessageContaining("401 Unauthorized (the URL has no credentials)");
    }

    @Test
    void sdpWithoutAnyUsableTrackFailsWithEachReason() throws Exception {
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=cam\r\nt=0 0\r\nm=application 0 RTP/AVP 107\r\n"
                + "a=control:trackID=0\r\nm=application 9 TCP/WSS webrtc-datachannel\r\n";
        FakeRtspCamera cam = camera(r -> r.method().equals("DESCRIBE") ? Reply.ok().body(sdp) : Reply.ok());
        assertThatThrownBy(() -> runToEnd(source(cam, "", "", RtspTransport.TCP, false, Duration.ofSeconds(5)),
                new FakeContext()))
                .hasMessageContaining("no media Sluice can read")
                .hasMessageContaining("media 0").hasMessageContaining("payload type 107")
                .hasMessageContaining("media 1").hasMessageContaining("TCP/WSS is not RTP");
        assertThat(cam.methods()).doesNotContain("SETUP");
    }

    @Test
    void udpTakesOnlyTheCamerasPortsAndAutomaticFallsBackToTcpOn461() throws Exception {
        DatagramSocket camRtp = closing(new DatagramSocket(0, InetAddress.getLoopbackAddress()));
        DatagramSocket stranger = closing(new DatagramSocket(0, InetAddress.getLoopbackAddress()));
        int[] clientPort = new int[1];
        FakeRtspCamera cam = camera(r -> switch (r.method()) {
            case "DESCRIBE" -> Reply.ok().body(SDP.substring(0, SDP.indexOf("m=application")));
            case "SETUP" -> {
                String t = r.header("Transport");
                clientPort[0] = Integer.parseInt(t.replaceAll(".*client_port=(\\d+)-.*", "$1"));
                yield Reply.ok("Session", "u1", "Transport", t + ";server_port=" + camRtp.getLocalPort() + "-"
                        + (camRtp.getLocalPort() + 1));
            }
            case "PLAY" -> Reply.ok("Session", "u1").then(s -> {
                for (int i = 0; i < 30; i++) {
                    send(camRtp, clientPort[0], FakeRtspCamera.rtp(96, i, 3000L * i, 5, new byte[] {0x41}));
                    send(stranger, clientPort[0], FakeRtspCamera.rtp(96, 500 + i, 3000L * i, 5, new byte[] {0x41}));
                }
            });
            default -> Reply.ok();
        });
        FakeContext udp = new FakeContext();
        RtspSource source = source(cam, "", "", RtspTransport.UDP, false, Duration.ofSeconds(5));
        Future<?> run = start(source, udp);
        waitFor(() -> udp.units.size() >= 30, "30 packets over UDP, got " + udp.units.size());
        Thread.sleep(300);
        assertThat(udp.seqs(0)).as("the stranger's packets are dropped").hasSize(30).allMatch(s -> s < 30);
        source.close();
        run.get(5, TimeUnit.SECONDS);

        AtomicInteger setups = new AtomicInteger();
        FakeRtspCamera tcpOnly = camera(r -> switch (r.method()) {
            case "DESCRIBE" -> Reply.ok().body(SDP);
            case "SETUP" -> r.header("Transport").contains("TCP")
                    ? Reply.ok("Session", "t1", "Transport", r.header("Transport"))
                    : Reply.status(461, "Unsupported Transport", "X-Count", "" + setups.incrementAndGet());
            case "PLAY" -> Reply.ok("Session", "t1").then(s -> {
                for (int i = 0; i < 10; i++) {
                    FakeRtspCamera.interleaved(s, 0, FakeRtspCamera.rtp(96, i, 3000L * i, 5, new byte[] {0x41}));
                }
            });
            default -> Reply.ok();
        });
        FakeContext auto = new FakeContext();
        RtspSource fallback = source(tcpOnly, "", "", RtspTransport.AUTOMATIC, false, Duration.ofSeconds(5));
        Future<?> run2 = start(fallback, auto);
        waitFor(() -> auto.units.size() == 10 || run2.isDone(), "10 packets after the fallback, got " + auto.units.size());
        assertThat(run2).as("still running, " + tcpOnly.methods()).isNotDone();
        assertThat(setups.get()).as("one UDP SETUP refused").isEqualTo(1);
        assertThat(auto.descs).as("published once").hasSize(1);
        fallback.close();
        run2.get(5, TimeUnit.SECONDS);
    }

    @Test
    void nothingArrivingEndsTheSessionAfterReadTimeout() throws Exception {
        FakeRtspCamera cam = camera(r -> switch (r.method()) {
            case "DESCRIBE" -> Reply.ok().body(SDP);
            case "SETUP" -> Reply.ok("Session", "q", "Transport", r.header("Transport"));
            default -> Reply.ok("Session", "q");
        });
        FakeContext ctx = new FakeContext();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> runToEnd(source(cam, "", "", RtspTransport.TCP, false, Duration.ofMillis(1500)),
                ctx)).hasMessageContaining("no packet from the camera for 1500 ms (readTimeout)");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(1400), Duration.ofSeconds(6));
        assertThat(ctx.closedPublishers.get()).as("the publisher is closed when the session ends").isEqualTo(1);
    }

    @Test
    void relativeControlsResolveAgainstTheBase() {
        assertThat(RtspSourceMedias.resolve("rtsp://h/cam/", "trackID=1")).isEqualTo("rtsp://h/cam/trackID=1");
        assertThat(RtspSourceMedias.resolve("rtsp://h/cam", "trackID=1")).isEqualTo("rtsp://h/cam/trackID=1");
        assertThat(RtspSourceMedias.resolve("rtsp://h/cam?t=x", "track1")).isEqualTo("rtsp://h/cam/track1?t=x");
        assertThat(RtspSourceMedias.resolve("rtsp://h/cam/", "rtsp://other/x")).isEqualTo("rtsp://other/x");
        assertThat(RtspSourceMedias.resolve("rtsp://h/cam/", "*")).isEqualTo("rtsp://h/cam/");
        assertThat(RtspSourceMedias.resolve("rtsp://h/cam/", "")).isEqualTo("rtsp://h/cam/");
    }

    // ---- fixtures

    private FakeRtspCamera camera(Function<Request, Reply> script) throws IOException {
        FakeRtspCamera c = new FakeRtspCamera(script);
        closeables.add(c);
        return c;
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    private RtspSource source(FakeRtspCamera cam, String user, String pass, RtspTransport t, boolean anyPort,
            Duration readTimeout) {
        String raw = "rtsp://" + (user.isEmpty() ? "" : user + ":" + pass + "@") + "127.0.0.1:" + cam.port() + "/cam";
        DestUrl.Rtsp url = new DestUrl.Rtsp(raw, false, "127.0.0.1", cam.port(), "/cam", user, pass);
        SourceConf conf = new SourceConf(new SourceUrl.Remote(url), "", false, Duration.ofSeconds(10),
                Duration.ofSeconds(10), t, anyPort, "", Duration.ofSeconds(1), Duration.ofSeconds(30));
        RtspSource s = new RtspSource("cam", conf, loops, readTimeout);
        closeables.add(s);
        return s;
    }

    private Future<?> start(RtspSource s, FakeContext ctx) {
        return runner.submit(() -> {
            s.run(ctx);
            return null;
        });
    }

    private void runToEnd(RtspSource s, FakeContext ctx) throws Throwable {
        try {
            start(s, ctx).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    private static String base(FakeRtspCamera cam) {
        return "rtsp://127.0.0.1:" + cam.port() + "/cam";
    }

    private static String base(Request r) {
        return r.uri();
    }

    private static void send(DatagramSocket from, int port, byte[] p) throws IOException {
        from.send(new DatagramPacket(p, p.length, InetAddress.getLoopbackAddress(), port));
    }

    /** Checks a Digest answer as a camera does (RFC 2617 without qop). */
    private static boolean digestOk(Request r, String user, String pass) {
        String a = r.header("Authorization");
        if (a == null || !a.startsWith("Digest ")) {
            return false;
        }
        String uri = a.replaceAll(".*uri=\"([^\"]*)\".*", "$1");
        String response = a.replaceAll(".*response=\"([^\"]*)\".*", "$1");
        String ha1 = md5(user + ":cam:" + pass);
        String ha2 = md5(r.method() + ":" + uri);
        return response.equals(md5(ha1 + ":n0nce:" + ha2));
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A runner's context: one event loop, publishes into a plain Stream whose units it records. */
    private final class FakeContext implements SourceContext {
        final EventLoop loop = loops.next();
        final List<StreamDesc> descs = new CopyOnWriteArrayList<>();
        final List<int[]> units = new CopyOnWriteArrayList<>();
        final AtomicInteger closedPublishers = new AtomicInteger();

        List<Integer> seqs(int media) {
            return units.stream().filter(u -> u[0] == media).map(u -> u[1]).toList();
        }

        @Override
        public String pathName() {
            return "cam";
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public Publisher publish(StreamDesc desc) {
            descs.add(desc);
            Stream stream = new Stream(desc, i -> null);
            stream.addReader(new StreamReader() {
                @Override
                public void onUnit(Unit u) {
                    assertThat(loop.inEventLoop()).as("written on the source's loop").isTrue();
                    units.add(new int[] {u.media(), u.sequenceNumber()});
                }
            }, false);
            return new Publisher() {
                @Override
                public Stream stream() {
                    return stream;
                }

                @Override
                public void close() {
                    closedPublishers.incrementAndGet();
                    stream.close();
                }
            };
        }
    }
}
