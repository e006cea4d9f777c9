package io.sluice.source.whep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.sluice.conf.DestUrl;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.net.webrtc.DtlsCertificate;
import io.sluice.net.webrtc.SrtpWarmUp;
import io.sluice.source.RecordingSourceContext;
import io.sluice.stream.Codec;
import io.sluice.stream.Stream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WhepSource against GStreamer's webrtcbin as WHEP server (serve-whep.sh), and its HTTP errors against a
 * throwaway endpoint.
 */
@Timeout(60)
class WhepSourceTest {
    private static final Path PEERS = Path.of(System.getProperty("sluice.peers", "/work/shared/peers"));
    private static DtlsCertificate cert;

    private EventLoopGroup group;
    private ExecutorService runner;

    /** As the server does at start: jitsi-srtp's first context benchmarks AES for seconds on a loaded machine. */
    @BeforeAll
    static void warmUp() throws Exception {
        cert = DtlsCertificate.generate();
        Thread t = SrtpWarmUp.startInBackground();
        if (t != null) {
            t.join();
        }
    }

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        runner = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() {
        runner.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static SourceConf conf(String raw, int port, String path, String urlToken, String bearer) {
        DestUrl.Whip url = new DestUrl.Whip(raw, false, "127.0.0.1", port, path, urlToken, false);
        SourceConf d = SourceConf.PUBLISHER;
        return new SourceConf(new SourceUrl.Remote(url), "", false, d.onDemandStartTimeout(), d.onDemandCloseAfter(),
                d.rtspTransport(), false, bearer, d.reconnectDelay(), d.reconnectMaxDelay());
    }

    private Future<Void> run(WhepSource s, RecordingSourceContext ctx) {
        return runner.submit(() -> {
            s.run(ctx);
            return null;
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void endpointTokenAndFingerprintFromTheConf() {
        DestUrl.Whip plain = new DestUrl.Whip("whep://h:8889/cam/whep?token=u", false, "h", 8889, "/cam/whep", "u",
                false);
        assertThat(WhepSource.endpoint(plain)).hasToString("http://h:8889/cam/whep");
        DestUrl.Whip tls = new DestUrl.Whip("wheps://[::1]/cam/whep", true, "::1", 443, "/cam/whep?x=1", "", false);
        assertThat(WhepSource.endpoint(tls)).hasToString("https://[::1]:443/cam/whep?x=1");
        SourceConf withBearer = conf("whep://h/x", 80, "/x", "u", "b");
        assertThat(WhepSource.token(withBearer, plain)).as("whepBearerToken wins").isEqualTo("b");
        assertThat(WhepSource.token(conf("whep://h/x", 80, "/x", "u", ""), plain)).isEqualTo("u");
        SourceConf pinned = new SourceConf(withBearer.url(), "AB:CD:EF", false, withBearer.onDemandStartTimeout(),
                withBearer.onDemandCloseAfter(), withBearer.rtspTransport(), false, "", withBearer.reconnectDelay(),
                withBearer.reconnectMaxDelay());
        assertThat(WhepSource.fingerprint(pinned, tls)).isEqualTo("abcdef");
        assertThat(WhepSource.fingerprint(pinned, plain)).as("no TLS, nothing to pin").isEmpty();
    }

    /** A WHEP endpoint that answers every POST with a fixed status and body, and records what it got. */
    private static final class FixedEndpoint implements AutoCloseable {
        final HttpServer http;
        final List<String> requests = new CopyOnWriteArrayList<>();
        final List<String> authorizations = new CopyOnWriteArrayList<>();

        FixedEndpoint(int status, String contentType, String body) throws IOException {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/", x -> answer(x, status, contentType, body));
            http.start();
        }

        private void answer(HttpExchange x, int status, String contentType, String body) throws IOException {
            try (x) {
                requests.add(x.getRequestMethod() + " " + x.getRequestURI());
                authorizations.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
                if (!x.getRequestMethod().equals("POST")) {
                    x.sendResponseHeaders(x.getRequestMethod().equals("DELETE") ? 200 : 405, -1);
                    return;
                }
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                x.getResponseHeaders().add("Content-Type", contentType);
                x.getResponseHeaders().add("Location", "/cam/whep/session/1");
                x.sendResponseHeaders(status, b.length);
                x.getResponseBody().write(b);
            }
        }

        int port() {
            return http.getAddress().getPort();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    @Test
    void refusedPostNamesTheStatusAndSendsTheBearerToken() throws Exception {
        try (FixedEndpoint e = new FixedEndpoint(401, "text/plain", "unauthorized")) {
            WhepSource s = new WhepSource("cam", conf("whep://127.0.0.1/cam/whep?token=u", e.port(), "/cam/whep", "u",
                    "secret"), cert, Duration.ofSeconds(5));
            RecordingSourceContext ctx = new RecordingSourceContext(group.next());
            assertThatThrownBy(() -> run(s, ctx).get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IOException.class)
                    .hasMessage("WHEP endpoint 127.0.0.1:" + e.port() + "/cam/whep answered 401: unauthorized");
            assertThat(e.requests).contains("POST /cam/whep");
            assertThat(e.authorizations).contains("Bearer secret");
            assertThat(ctx.published).isNotDone();
        }
    }

    @Test
    void unusableAnswerIsNamedAndTheResourceDeleted() throws Exception {
        try (FixedEndpoint e = new FixedEndpoint(201, "application/sdp", "v=0\r\ns=-\r\n")) {
            WhepSource s = new WhepSource("cam", conf("whep://127.0.0.1/cam/whep", e.port(), "/cam/whep", "", ""), cert,
                    Duration.ofSeconds(5));
            RecordingSourceContext ctx = new RecordingSourceContext(group.next());
            assertThatThrownBy(() -> run(s, ctx).get(20, TimeUnit.SECONDS)).cause()
                    .hasMessageStartingWith("the WHEP server's answer is unusable: ");
            assertThat(e.requests).containsSubsequence("POST /cam/whep", "DELETE /cam/whep/session/1");
            assertThat(e.authorizations).containsOnly("null");
        }
    }

    @Test
    void pullsH264AndOpusFromWebrtcbin() throws Exception {
        Path script = PEERS.resolve("serve-whep.sh");
        assumeTrue(Files.isExecutable(script), "no " + script);
        int port = freePort();
        Path log = Files.createTempFile("sluice-serve-whep", ".log");
        Process server = new ProcessBuilder(script.toString(), String.valueOf(port), "25").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            waitListening(port);
            WhepSource s = new WhepSource("cam", conf("whep://127.0.0.1/cam/whep", port, "/cam/whep", "", ""), cert,
                    Duration.ofSeconds(10));
            RecordingSourceContext ctx = new RecordingSourceContext(group.next());
            Future<Void> run = run(s, ctx);
            Stream stream = ctx.published.get(20, TimeUnit.SECONDS);
            assertThat(stream.desc().medias()).extracting(m -> m.format().codec())
                    .containsExactly(Codec.H264, Codec.OPUS);
            long start = System.nanoTime();
            Thread.sleep(3000);
            long packets = stream.packetsIn();
            double seconds = (System.nanoTime() - start) / 1e9;
            // 30 fps of 640x360 at 1 Mbit/s is > 100 packets/s, 50 opus packets/s: at least 100/s together
            assertThat(packets).as("packets in %.1f s", seconds).isGreaterThan((long) (100 * seconds));
            assertThat(ctx.figures.get().get("rtpPacketsDropped").longValue()).isZero();
            s.close();
            run.get(10, TimeUnit.SECONDS);
            assertThat(ctx.publisherClosed).isDone();
            String out = waitFor(log, "HTTP|DELETE /whep/session/", 5000);
            assertThat(out).contains("HTTP|DELETE /whep/session/");
        } finally {
            server.destroy();
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            System.out.println(Files.readString(log));
            Files.deleteIfExists(log);
        }
    }

    private static String waitFor(Path log, String text, long ms) throws Exception {
        long end = System.currentTimeMillis() + ms;
        String s = Files.readString(log);
        while (!s.contains(text) && System.currentTimeMillis() < end) {
            Thread.sleep(100);
            s = Files.readString(log);
        }
        return s;
    }

    private static void waitListening(int port) throws InterruptedException {
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("serve-whep.sh not listening on " + port);
    }
}
