package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real launcher path ({@code java io.sluice.Main FILE} in its own JVM): bad configuration files
 * exit 1 and name every problem with file and key path; a good one starts, takes a publisher, and
 * stops cleanly on SIGTERM.
 */
@Timeout(120)
class ConfigErrorsIT {
    private static final String CONF = "src/test/resources/conf/";

    /**
     * One launched Sluice JVM. Its stdout+stderr go to a file, not a pipe: a pipe read races with the
     * JDK draining it at process exit ("Stream closed"), which loses the last lines ("shutting down").
     */
    private record Launched(Process process, Path out) implements AutoCloseable {
        static Launched start(String confFile) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path out = Files.createTempFile("sluice-it-", ".log");
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), "io.sluice.Main", confFile)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            return new Launched(p, out);
        }

        List<String> lines() {
            try {
                return Files.readAllLines(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int exit(Duration max) throws InterruptedException {
            assertThat(process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)).as("exited within " + max + ": "
                    + output()).isTrue();
            return process.exitValue();
        }

        String await(Pattern p, Duration max) throws InterruptedException {
            long deadline = System.nanoTime() + max.toNanos();
            while (System.nanoTime() < deadline) {
                for (String l : lines()) {
                    Matcher m = p.matcher(l);
                    if (m.find()) {
                        return m.groupCount() > 0 ? m.group(1) : m.group();
                    }
                }
                Thread.sleep(50);
            }
            throw new AssertionError("no line matching " + p + " within " + max + ":\n" + output());
        }

        String output() {
            return String.join("\n", lines());
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void badFilesExit1AndNameEveryProblem() throws Exception {
        Map<String, List<String>> expected = Map.of(
                "bad-unknown-key.yml", List.of(
                        "bad-unknown-key.yml: paths.cam1.forwardTargets[0].reconectDelay: unknown key; accepted: id, url,"
                                + " enable, reconnect, reconnectDelay,"),
                "bad-srt-passphrase.yml", List.of(
                        "bad-srt-passphrase.yml: paths.cam1.forwardTargets[0].srtConfig.passphrase: passphrase is 5"
                                + " characters long; accepted: empty, or 10..79 characters"),
                "bad-three-problems.yml", List.of(
                        "bad-three-problems.yml: writeQueueSize: wrong type: expected an integer, got string 'abc'",
                        "bad-three-problems.yml: paths.cam1.forwardTargets[2].url: unknown scheme 'htp'; accepted: rtsp,",
                        "bad-three-problems.yml: paths.cam1.forwardTargets[1].id: duplicate id 'backup'"));
        // The three JVMs run side by side: each takes ~1 s to start.
        Map<String, Launched> runs = new java.util.TreeMap<>();
        for (String f : expected.keySet()) {
            runs.put(f, Launched.start(CONF + f));
        }
        for (var e : runs.entrySet()) {
            try (Launched l = e.getValue()) {
                assertThat(l.exit(Duration.ofSeconds(30))).as(l.output()).isEqualTo(1);
                assertThat(l.output()).contains("sluice: invalid configuration:");
                assertThat(l.output()).contains(expected.get(e.getKey()));
                long problems = l.lines().stream().filter(s -> s.startsWith("  " + CONF + e.getKey() + ": ")).count();
                assertThat(problems).as(l.output()).isEqualTo(expected.get(e.getKey()).size());
                assertThat(l.output()).doesNotContain("Sluice started");
            }
        }
    }

    @Test
    void goodFileStartsTakesAPublisherAndStopsOnSigterm() throws Exception {
        try (Launched sluice = Launched.start(CONF + "good.yml")) {
            sluice.await(Pattern.compile("Sluice started"), Duration.ofSeconds(20));
            int port = Integer.parseInt(sluice.await(Pattern.compile("RTSP listener on .*:(\\d+)"),
                    Duration.ofSeconds(1)));
            try (Peer pub = Peer.start("publish-rtsp.sh", "rtsp://127.0.0.1:" + port + "/cam1", "4")) {
                assertThat(pub.await(Duration.ofSeconds(30))).as(pub.output() + "\n" + sluice.output()).isZero();
                assertThat(Integer.parseInt(pub.result("PUBLISHED").get("video_frames"))).isGreaterThan(90);
            }
            long t0 = System.nanoTime();
            sluice.process().destroy(); // SIGTERM
            int rc = sluice.exit(Duration.ofSeconds(5));
            assertThat(rc).as(sluice.output()).isIn(0, 143);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(sluice.output()).contains("shutting down").doesNotContain("ERROR");
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
