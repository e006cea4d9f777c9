package io.sluice.net.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.net.NetLoops;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HttpListener on 127.0.0.1:0 against the JDK client and raw sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpListenerTest {
    private static final int MAX_BODY = 64;

    private final List<HttpRequest> seen = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate;
    private volatile boolean interrupted;
    private final CountDownLatch entered = new CountDownLatch(1);
    /** "path thread" of each reply whose undo ran because it could not be written. */
    private final List<String> undone = new CopyOnWriteArrayList<>();
    private NetLoops loops;
    private HttpListener listener;
    private final HttpClient client = HttpClient.newHttpClient();

    /** Echoes what it saw; "/boom" throws, "/slow" waits for the gate, "/json-refusals" is not special. */
    private HttpReply handle(HttpRequest req) {
        seen.add(req);
        threads.add(Thread.currentThread());
        switch (req.path()) {
            case "/boom" -> throw new IllegalStateException("secret internal detail");
            case "/slow" -> {
                entered.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                    Thread.currentThread().interrupt();
                    return HttpReply.text(503, "interrupted");
                }
            }
            default -> {
            }
        }
        return HttpReply.text(200, req.method() + " " + req.path() + " " + req.query() + " body="
                + new String(req.body(), StandardCharsets.UTF_8)).with("X-Seen", "yes")
                .onUndelivered(() -> undone.add(req.path() + " " + Thread.currentThread().getName()));
    }

    @BeforeEach
    void start() throws Exception {
        loops = new NetLoops(1);
        listener = new HttpListener("t", "127.0.0.1:0", loops, new HttpHandler() {
            @Override
            public HttpReply handle(HttpRequest req) {
                return HttpListenerTest.this.handle(req);
            }

            @Override
            public HttpReply refused(int status, String reason) {
                return HttpReply.text(status, "refused: " + reason);
            }
        }, MAX_BODY, Duration.ofMillis(500));
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.close();
        loops.close();
        client.close();
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + listener.port() + pathAndQuery);
    }

    @Test
    void handsTheRequestToTheHandlerOnAVirtualThread() throws Exception {
        HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(uri("/a/b%2Fc?x=1&x=2&y=a%20b"))
                .header("X-Custom", "v1").POST(java.net.http.HttpRequest.BodyPublishers.ofString("hello")).build(),
                BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-seen")).contains("yes");
        assertThat(r.headers().firstValue("content-type")).contains(HttpReply.TEXT);
        HttpRequest req = seen.getFirst();
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.path()).as("still encoded").isEqualTo("/a/b%2Fc");
        assertThat(req.query()).isEqualTo(Map.of("x", List.of("1", "2"), "y", List.of("a b")));
        assertThat(req.param("x")).isEqualTo("1");
        assertThat(req.header("x-CUSTOM")).isEqualTo("v1");
        assertThat(new String(req.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(req.remote().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
        assertThat(threads.getFirst().isVirtual()).isTrue();
        assertThat(threads.getFirst().getName()).startsWith("sluice-t-http-");
    }

    @Test
    void keepsTheConnectionAndAnswersPipelinedRequestsInOrder() throws Exception {
        gate = new CountDownLatch(1);
        try (Socket s = connect()) {
            s.getOutputStream().write((get("/slow") + get("/fast")).getBytes(StandardCharsets.US_ASCII));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100);
            assertThat(seen).as("the second waits for the first").hasSize(1);
            gate.countDown();
            BufferedReader in = reader(s);
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("GET /slow");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("GET /fast");
            s.getOutputStream().write(get("/third").getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).contains("GET /third");
        }
    }

    @Test
    void refusesABodyOverTheLimitWith413AndCloses() throws Exception {
        // closed rather than kept: skipping a body the client keeps sending would let it hold the connection
        try (Socket s = connect()) {
            String big = "x".repeat(MAX_BODY + 1);
            s.getOutputStream().write(("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: " + big.length()
                    + "\r\n\r\n" + big + get("/after")).getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = reader(s);
            assertThat(readResponse(in)).startsWith("HTTP/1.1 413").contains("refused: body larger than 64 bytes");
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void refusesAHeaderOverTheLimitWith431AndCloses() throws Exception {
        try (Socket s = connect()) {
            String huge = "GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + "a".repeat(20_000) + "\r\n\r\n";
            s.getOutputStream().write(huge.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = reader(s);
            assertThat(readResponse(in)).startsWith("HTTP/1.1 431").contains("header larger than 16384 bytes");
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void aHandlerExceptionIsA500WithoutItsStack() throws Exception {
        HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(uri("/boom")).build(),
                BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEqualTo("refused: internal error\n").doesNotContain("secret").doesNotContain("at io.");
        HttpResponse<String> next = client.send(java.net.http.HttpRequest.newBuilder(uri("/ok")).build(),
                BodyHandlers.ofString());
        assertThat(next.statusCode()).isEqualTo(200);
    }

    @Test
    void aReplyThatCannotBeWrittenRunsItsUndoOnAHandlerThread() throws Exception {
        gate = new CountDownLatch(1);
        try (Socket s = connect()) {
            s.getOutputStream().write(get("/slow").getBytes(StandardCharsets.US_ASCII));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        }
        Thread.sleep(200); // let the listener see the close before the reply is ready
        gate.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (undone.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(undone).singleElement().asString().startsWith("/slow sluice-t-http-");
        HttpResponse<String> delivered = client.send(java.net.http.HttpRequest.newBuilder(uri("/ok")).build(),
                BodyHandlers.ofString());
        assertThat(delivered.statusCode()).isEqualTo(200);
        Thread.sleep(100);
        assertThat(undone).as("a delivered reply is not undone").hasSize(1);
    }

    @Test
    void idleTimeoutIsSetBeforeStartOnly() {
        assertThatThrownBy(() -> listener.idleTimeout(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        try (HttpListener other = new HttpListener("t4", "127.0.0.1:0", loops, r -> HttpReply.empty(204))) {
            assertThatThrownBy(() -> other.idleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closesAnIdleConnection() throws Exception {
        try (Socket s = connect()) {
            s.setSoTimeout(5000);
            long t0 = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(300));
        }
    }

    @Test
    void closeInterruptsHandlersFreesThePortAndLeavesNoThreads() throws Exception {
        gate = new CountDownLatch(1); // never opened: only close() ends the call
        int port = listener.port();
        try (Socket s = connect()) {
            s.getOutputStream().write(get("/slow").getBytes(StandardCharsets.US_ASCII));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            listener.close();
            // close() returns once the task has ended; its thread may take a moment more to terminate
            assertThat(interrupted).as("the handler was interrupted before close() returned").isTrue();
            threads.getFirst().join(Duration.ofSeconds(2));
            assertThat(threads.getFirst().isAlive()).isFalse();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        listener.close(); // idempotent
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sluice-t-http"));
    }

    @Test
    void startFailuresNameTheAddress() throws Exception {
        String taken = "127.0.0.1:" + listener.port();
        try (HttpListener second = new HttpListener("t2", taken, loops, r -> HttpReply.empty(204))) {
            assertThatThrownBy(second::start).isInstanceOf(IOException.class).hasMessageContaining(taken);
        }
        try (HttpListener bad = new HttpListener("t3", "nope", loops, r -> HttpReply.empty(204))) {
            assertThatThrownBy(bad::start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        }
        assertThatThrownBy(listener::start).isInstanceOf(IllegalStateException.class);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    /** One response: status line, headers, and a body of its Content-Length. */
    private static String readResponse(BufferedReader in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int length = 0;
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            sb.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        char[] body = new char[length];
        int n = 0;
        while (n < length) {
            int r = in.read(body, n, length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return sb.append('\n').append(body, 0, n).toString();
    }
}
