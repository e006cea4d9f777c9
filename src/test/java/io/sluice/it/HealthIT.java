package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.conf.ConfDocument;
import io.sluice.core.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GET /v3/info and the liveness and readiness probes (issue #17), probed over HTTP as a load balancer does,
 * while the server starts, runs, loses a listener to a configuration change, gets it back, and stops.
 */
@Timeout(120)
class HealthIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One probe's answer: the status, 0 when the connection was refused, and the body. */
    private record Probe(int status, String body, long nanos) {
    }

    private Probe get(int port, String path) {
        long t = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return new Probe(r.statusCode(), r.body(), t);
        } catch (IOException e) {
            return new Probe(0, e.toString(), t);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(0, "interrupted", t);
        }
    }

    private HttpResponse<String> patch(int port, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void probesFollowTheServerFromStartToStop() throws Exception {
        int rtsp = Ports.tcp();
        int rtp = Ports.udpPair();
        int rtmp = Ports.tcp();
        int api = Ports.tcp();
        String yaml = """
                rtspAddress: 127.0.0.1:%d
                rtpAddress: 127.0.0.1:%d
                rtcpAddress: 127.0.0.1:%d
                rtmpAddress: 127.0.0.1:%d
                rtmpsAddress: 127.0.0.1:%d
                srtAddress: 127.0.0.1:%d
                webrtcAddress: 127.0.0.1:%d
                webrtcLocalUDPAddress: 127.0.0.1:%d
                apiAddress: 127.0.0.1:%d
                metricsAddress: 127.0.0.1:0
                """.formatted(rtsp, rtp, rtp + 1, rtmp, Ports.tcp(), Ports.udp(), Ports.tcp(), Ports.udp(), api);
        Server server = new Server(ConfDocument.parse(yaml, "health.yml"));
        // warm the client up (its first request costs far more than the next), so that the probes are dense
        // enough to fall into the short windows of a start and a stop
        for (int i = 0; i < 20; i++) {
            get(api, "/v3/health/ready");
        }

        // during the start: a prober polls readiness; each 200 it gets must come with the listeners bound
        List<Probe> duringStart = new CopyOnWriteArrayList<>();
        List<String> readyTooEarly = new CopyOnWriteArrayList<>();
        AtomicBoolean started = new AtomicBoolean();
        Thread prober = Thread.ofPlatform().name("it-health-prober").start(() -> {
            while (!started.get()) {
                Probe p = get(api, "/v3/health/ready");
                duringStart.add(p);
                if (p.status() == 200 && !(accepts(rtsp) && accepts(rtmp))) {
                    readyTooEarly.add(p.body());
                }
            }
        });
        Instant before = Instant.now();
        java.util.concurrent.atomic.AtomicLong startingSeen = new java.util.concurrent.atomic.AtomicLong();
        try {
            server.start();
            started.set(true);
            prober.join(10_000);
            Instant after = Instant.now();
            assertThat(readyTooEarly).as("ready before the RTSP and RTMP listeners accept").isEmpty();
            long starting = duringStart.stream().filter(p -> p.status() == 503).count();
            startingSeen.set(starting);
            duringStart.stream().filter(p -> p.status() == 503).forEach(p -> assertThat(p.body())
                    .contains("\"state\":\"starting\"").contains("starting: the listeners are being bound"));
            assertThat(duringStart.stream().map(Probe::status)).as("only refused, 503 or 200 while starting")
                    .allMatch(s -> s == 0 || s == 503 || s == 200);
            System.out.printf("HEALTH during start: %d probes, %d refused connections, %d x 503 starting%n",
                    duringStart.size(), duringStart.stream().filter(p -> p.status() == 0).count(), starting);

            // running
            Probe live = get(api, "/v3/health/live");
            assertThat(live.status()).isEqualTo(200);
            Probe ready = get(api, "/v3/health/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            assertThat(JSON.readTree(ready.body()).get("state").asString()).isEqualTo("running");
            Probe info = get(api, "/v3/info");
            assertThat(info.status()).isEqualTo(200);
            JsonNode i = JSON.readTree(info.body());
            assertThat(i.get("version").asString()).isNotBlank();
            assertThat(Instant.parse(i.get("started").asString())).isBetween(before, after);
            Thread.sleep(1100);
            assertThat(JSON.readTree(get(api, "/v3/info").body()).get("uptime").asString()).matches("[1-9][0-9]*s");

            // a change moves RTMP to a taken port: its restart fails, readiness names it; moving it back heals
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                String where = "127.0.0.1:" + taken.getLocalPort();
                patch(api, "/v3/config/global/patch", "{\"rtmpAddress\": \"" + where + "\"}");
                Probe down = get(api, "/v3/health/ready");
                assertThat(down.status()).as(down.body()).isEqualTo(503);
                assertThat(JSON.readTree(down.body()).get("notReady").get(0).asString())
                        .isEqualTo("rtmp server not running (rtmpAddress " + where + ")");
                assertThat(get(api, "/v3/health/live").status()).as("still alive").isEqualTo(200);
            }
            int rtmpAgain = Ports.tcp();
            patch(api, "/v3/config/global/patch", "{\"rtmpAddress\": \"127.0.0.1:" + rtmpAgain + "\"}");
            assertThat(get(api, "/v3/health/ready").status()).isEqualTo(200);
            assertThat(accepts(rtmpAgain)).isTrue();
        } finally {
            started.set(true);
            // stopping: from the moment close() begins, no probe may be told 200
            AtomicReference<Long> closeBegan = new AtomicReference<>();
            List<Probe> duringStop = new CopyOnWriteArrayList<>();
            AtomicBoolean stopped = new AtomicBoolean();
            Thread stopProber = Thread.ofPlatform().name("it-health-stop-prober").start(() -> {
                while (!stopped.get()) {
                    duringStop.add(get(api, "/v3/health/ready"));
                }
            });
            Thread.sleep(200);
            closeBegan.set(System.nanoTime());
            server.close();
            stopped.set(true);
            stopProber.join(10_000);
            List<Probe> afterClose = duringStop.stream().filter(p -> p.nanos() > closeBegan.get()).toList();
            assertThat(afterClose.stream().filter(p -> p.status() == 200)).as("ready while stopping").isEmpty();
            long stopping = afterClose.stream().filter(p -> p.status() == 503).count();
            System.out.printf("HEALTH during stop: %d probes, %d x 503 stopping%n", afterClose.size(), stopping);
            // the API binds before the protocol listeners and closes after them and the paths: probes see 503
            // in those windows rather than only refused connections (each window is short on an idle machine,
            // hence one of the two)
            assertThat(startingSeen.get() + stopping).as("503 seen while starting or stopping").isPositive();
        }
        assertThat(get(api, "/v3/health/live").status()).as("closed: nothing answers").isZero();
    }
}
