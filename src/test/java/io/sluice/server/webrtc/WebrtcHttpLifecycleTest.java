package io.sluice.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.net.NetLoops;
import io.sluice.net.http.HttpListener;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connection handling over raw sockets: keep-alive, pipelining order, idle timeout, close. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebrtcHttpLifecycleTest {
    static final String OFFER = "v=0\r\n";

    private final FakeWebrtcSessions fake = new FakeWebrtcSessions();
    private NetLoops loops;
    private HttpListener server;

    @BeforeEach
    void start() throws Exception {
        loops = new NetLoops(1);
        server = fake.listener("127.0.0.1:0", loops).idleTimeout(Duration.ofMillis(500));
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        loops.close();
    }

    Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(10_000);
        return s;
    }

    static String post(String path, String body, String extraHeaders) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/sdp\r\nContent-Length: "
                + body.length() + "\r\n" + extraHeaders + "\r\n" + body;
    }

    static String get(String path, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "\r\n";
    }

    /** Reads one response; returns the status line, the headers and the body. */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void keepAliveAndPipelinedRepliesComeInOrder() throws Exception {
        fake.gate = new CountDownLatch(1);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            // a slow publish, then a page: the page must not overtake the publish's answer
            out.write((post("/cam/whip", OFFER, "") + get("/cam", "") + get("/", "")).getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(fake.entered.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(1000); // longer than the idle timeout: a call in flight is not idleness
            fake.gate.countDown();
            InputStream in = new BufferedInputStream(s.getInputStream());
            assertThat(readResponse(in)).startsWith("HTTP/1.1 201 Created").contains("Location: /cam/whip/s1");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200 OK").contains("/whep'");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200 OK").contains("Sluice WebRTC");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(get("/", "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = new BufferedInputStream(s.getInputStream());
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("connection: close");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        try (Socket s = connect()) {
            long t0 = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void malformedRequestsAre400() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(get("/%zz", "").getBytes(StandardCharsets.UTF_8));
            assertThat(readResponse(new BufferedInputStream(s.getInputStream()))).startsWith("HTTP/1.1 400")
                    .contains("malformed URL");
        }
        try (Socket s = connect()) {
            s.getOutputStream().write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            InputStream in = new BufferedInputStream(s.getInputStream());
            assertThat(readResponse(in)).startsWith("HTTP/1.1 400");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aSessionWhoseAnswerCannotBeDeliveredIsDeleted() throws Exception {
        fake.gate = new CountDownLatch(1);
        try (Socket s = connect()) {
            s.getOutputStream().write(post("/live/cam/whep", OFFER, "").getBytes(StandardCharsets.UTF_8));
            assertThat(fake.entered.await(5, TimeUnit.SECONDS)).isTrue();
        }
        Thread.sleep(200); // let the server see the close before the answer is ready
        fake.gate.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (fake.calls.stream().noneMatch(c -> c.method().equals("delete")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(fake.calls).anyMatch(c -> c.method().equals("delete") && c.path().equals("live/cam")
                && c.sessionId().equals("s1"));
    }

    @Test
    void closeInterruptsCallsFreesThePortAndLeavesNoThreads() throws Exception {
        fake.gate = new CountDownLatch(1); // never opened: only close() can end the call
        int port = server.port();
        try (Socket s = connect()) {
            s.getOutputStream().write(post("/cam/whip", OFFER, "").getBytes(StandardCharsets.UTF_8));
            assertThat(fake.entered.await(5, TimeUnit.SECONDS)).isTrue();
            server.close();
            // ExecutorService.close() returns once the task has ended; its virtual thread may take a moment more
            fake.blocked.join(java.time.Duration.ofSeconds(2));
            assertThat(fake.blocked.isAlive()).isFalse();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        server.close(); // idempotent
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("sluice-webrtc"));
    }

    @Test
    void aTakenAddressFailsStartNamingIt() throws Exception {
        String address = "127.0.0.1:" + server.port();
        try (HttpListener second = fake.listener(address, loops)) {
            assertThatThrownBy(second::start).isInstanceOf(IOException.class).hasMessageContaining(address);
        }
        try (HttpListener bad = fake.listener("nope", loops)) {
            assertThatThrownBy(bad::start).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        }
    }
}
