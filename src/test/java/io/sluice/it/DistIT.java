package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball ({@code ./sluice dist}) on a machine without a JDK: the IT builds it into a temp
 * directory (src/main/dist/dist.sh, or takes the one {@code -Dsluice.dist=FILE} names), unpacks it into
 * another, and runs the unpacked {@code ./sluice} under {@code env -i} with a PATH of only the shell tools
 * the launcher uses (this machine has {@code /usr/bin/java}, so a plain {@code PATH=/usr/bin:/bin} would not
 * hide it; the test checks {@code java} is not found). ffmpeg publishes RTMP, Sluice forwards to an
 * nginx-rtmp sink, and the sink must get every frame. With {@code SLUICE_AOT=on} the JVM refuses to start
 * if it cannot use the tarball's AOT cache, which was recorded in the build directory: so the test also
 * proves the cache survives the move, and {@code -Xlog:aot} shows it opened.
 */
@Timeout(900)
class DistIT {
    static final int SECONDS = 8;
    /** What the launcher runs (src/main/dist/sluice and launch.sh), and {@code env} for its #! line. */
    static final List<String> TOOLS = List.of("env", "bash", "dirname", "readlink", "grep", "ldconfig", "stat",
            "sha1sum", "cut", "basename", "ls", "mkdir", "flock", "find", "mv", "rm", "tail", "touch", "cat", "timeout");

    @TempDir
    Path tmp;

    @Test
    void unpackedTarballServesWithoutAJdkAndUsesItsAotCache() throws Exception {
        Path tarball = tarball();
        Path root = tmp.resolve("unpacked");
        Files.createDirectories(root);
        run(List.of("tar", "-xzf", tarball.toString(), "-C", root.toString()), Duration.ofMinutes(2));
        Path home;
        try (Stream<Path> s = Files.list(root)) {
            home = s.filter(p -> p.getFileName().toString().startsWith("sluice-")).findFirst().orElseThrow();
        }
        for (String f : List.of("sluice", "sluice.yml", "sluice.service", "INSTALL.md", "runtime/bin/java",
                "lib/sluice.jar", "lib/launch.sh")) {
            assertThat(home.resolve(f)).as("in the tarball").exists();
        }
        try (Stream<Path> s = Files.list(home.resolve("aot"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".aot")).count()).as("the AOT cache").isEqualTo(1);
        }
        Path bin = toolDir();
        String noJava = run(List.of("env", "-i", "PATH=" + bin, "bash", "-c",
                "command -v java || echo no-java; echo JAVA_HOME=${JAVA_HOME:-unset}"), Duration.ofSeconds(30));
        assertThat(noJava).contains("no-java", "JAVA_HOME=unset");

        int rtmp = Ports.tcp();
        int api = Ports.tcp();
        int nginx = Ports.tcp();
        Path conf = tmp.resolve("sluice.yml");
        Files.writeString(conf, yaml(rtmp, api, nginx));
        List<String> cmd = List.of("env", "-i", "PATH=" + bin, "HOME=" + tmp, "SLUICE_AOT=on",
                "JAVA_TOOL_OPTIONS=-Xlog:aot=info:file=" + tmp.resolve("aot.log"),
                "timeout", "-k", "5", "300", home.resolve("sluice").toString(), conf.toString());
        try (Peer sluice = Peer.command("dist sluice", Map.of(), cmd)) {
            assertThat(awaitReady(api, sluice, Duration.ofSeconds(240))).as(sluice.output()).isTrue();
            assertThat(sluice.output()).as("a shipped cache, not one recorded at this start")
                    .doesNotContain("recording the AOT cache");
            assertThat(Files.readString(tmp.resolve("aot.log"))).as("-Xlog:aot").contains("Opened AOT cache");
            // the sink stops after its time and then counts what it recorded
            try (Peer sink = Peer.start("sink-rtmp.sh", Integer.toString(nginx), Integer.toString(SECONDS + 25))) {
                assertThat(Ports.awaitListening(nginx, Duration.ofSeconds(20))).as(sink.output()).isTrue();
                try (Peer pub = Peer.start("publish-rtmp.sh", "rtmp://127.0.0.1:" + rtmp + "/live/test",
                        Integer.toString(SECONDS))) {
                    assertThat(pub.await(Duration.ofSeconds(SECONDS + 60))).as(pub.output()).isZero();
                }
                MediaChecks.assertReceived(sink, SECONDS);
            }
            assertThat(sluice.isAlive()).as(sluice.output()).isTrue();
        } finally {
            // the tool links point outside the temp dir, which JUnit warns about once per link when it deletes them
            try (Stream<Path> links = Files.list(bin)) {
                for (Path l : links.toList()) {
                    Files.delete(l);
                }
            }
        }
    }

    /** A fresh tarball in the temp directory, or the one -Dsluice.dist names (CI may build it once). */
    private Path tarball() throws IOException, InterruptedException {
        String given = System.getProperty("sluice.dist");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        Path out = tmp.resolve("dist");
        String log = run(List.of("bash", Path.of(System.getProperty("user.dir"), "src/main/dist/dist.sh").toString(),
                out.toString()), Duration.ofMinutes(12));
        System.out.println("dist.sh: " + log.lines().filter(l -> l.startsWith("dist:") || l.contains("AOT"))
                .toList());
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.toString().endsWith("-linux-x64.tar.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("dist.sh made no tarball:\n" + log));
        }
    }

    /** A directory of symlinks to exactly the tools the launcher needs; no java among them. */
    private Path toolDir() throws IOException {
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        for (String t : TOOLS) {
            Path found = Stream.of("/usr/bin", "/bin", "/usr/sbin", "/sbin").map(d -> Path.of(d, t))
                    .filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError("tool not found: " + t));
            Files.createSymbolicLink(bin.resolve(t), found);
        }
        return bin;
    }

    static String yaml(int rtmp, int api, int nginx) {
        return """
                logLevel: info
                rtspAddress: 127.0.0.1:0
                rtspTransports: [tcp]
                rtmpAddress: 127.0.0.1:%d
                srt: no
                webrtc: no
                metrics: no
                apiAddress: 127.0.0.1:%d
                paths:
                  live/test:
                    forwardTargets:
                      - id: nginx
                        url: rtmp://127.0.0.1:%d/live/out
                        reconnectDelay: 500ms
                        reconnectMaxDelay: 2s
                """.formatted(rtmp, api, nginx);
    }

    /** Polls /v3/health/ready until 200; false if Sluice exits or {@code max} passes (the last error printed). */
    private static boolean awaitReady(int api, Peer sluice, Duration max) throws InterruptedException {
        IOException last = null;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline && sluice.isAlive()) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api + "/v3/health/ready")).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                last = notYet;
            }
            Thread.sleep(200);
        }
        System.out.println("DistIT: not ready; last API error: " + last);
        return false;
    }

    /** Runs a command to its end (bounded), returns its output; fails the test on a non-zero exit. */
    private static String run(List<String> cmd, Duration max) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        Thread pump = Thread.ofPlatform().daemon().name("dist-it-out").start(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes()));
            } catch (IOException e) {
                out.append("output error: ").append(e);
            }
        });
        if (!p.waitFor(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            throw new AssertionError("did not finish within " + max + ": " + cmd);
        }
        pump.join(5000);
        assertThat(p.exitValue()).as("%s:\n%s", cmd, out).isZero();
        return out.toString();
    }
}
