package io.sluice.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Peer runs one third-party peer script from {@code shared/peers} (ffmpeg, GStreamer, nginx…) as a
 * child process, bounded in time, and collects its output lines. {@link #close()} kills the whole
 * process tree, so no peer outlives its test.
 */
final class Peer implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread pump;

    private Peer(String name, Process process) {
        this.name = name;
        this.process = process;
        this.pump = Thread.ofPlatform().daemon().name("peer-" + name).start(this::pumpOutput);
    }

    /** The shared/peers folder: -Dsluice.peers, else ../shared/peers next to the repository. */
    static Path peersDir() {
        String p = System.getProperty("sluice.peers");
        Path dir = p != null ? Path.of(p) : Path.of(System.getProperty("user.dir")).resolve("../shared/peers").normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("peer scripts not found at " + dir + " (set -Dsluice.peers)");
        }
        return dir;
    }

    /** Starts a script with arguments and extra environment variables. */
    static Peer start(String script, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(peersDir().resolve(script).toString());
        cmd.addAll(List.of(args));
        return command(script + " " + String.join(" ", args), env, cmd);
    }

    /** Starts any command (it must bound itself in time, e.g. through {@code timeout}). */
    static Peer command(String name, Map<String, String> env, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return new Peer(name, pb.start());
    }

    /** Runs a peer script shipped in the test resources (src/test/resources/peers). */
    static Peer resource(String script, String... args) throws IOException {
        Path p = Path.of(System.getProperty("user.dir"), "src/test/resources/peers", script);
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "5", "120", "/usr/bin/python3", p.toString()));
        cmd.addAll(List.of(args));
        return command(script, Map.of(), cmd);
    }

    static Peer start(String script, String... args) throws IOException {
        return start(script, Map.of(), args);
    }

    private void pumpOutput() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("peer output error: " + e);
        }
    }

    /** Waits for the peer to exit (its scripts bound themselves in time); kills it after {@code max}. */
    int await(Duration max) throws InterruptedException {
        if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError("peer did not finish within " + max + ": " + name + "\n" + output());
        }
        pump.join(5000);
        return process.exitValue();
    }

    /** Waits until a line containing {@code text} appears, up to {@code max}. */
    boolean awaitLine(String text, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : lines) {
                if (l.contains(text)) {
                    return true;
                }
            }
            if (!process.isAlive() && !pump.isAlive()) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** The fields of the last line starting with {@code prefix} ("RECEIVED video=h264 frames=10 …"). */
    Map<String, String> result(String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i);
            if (l.startsWith(prefix + " ")) {
                return fields(l.substring(prefix.length() + 1));
            }
        }
        throw new AssertionError("no '" + prefix + "' line from " + name + "; output:\n" + output());
    }

    /**
     * Parses "k=v k=v" fields. A repeated key gets a numbered twin ("frames", "frames.2"), as in
     * "video=h264 frames=N audio=aac frames=M".
     */
    static Map<String, String> fields(String s) {
        Map<String, String> m = new HashMap<>();
        for (String part : s.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String k = part.substring(0, eq);
            String key = k;
            for (int n = 2; m.containsKey(key); n++) {
                key = k + "." + n;
            }
            m.put(key, part.substring(eq + 1));
        }
        return m;
    }

    String output() {
        return String.join("\n", lines);
    }

    List<String> lines() {
        return lines;
    }

    /** The processes the peer started (its script's children and theirs), e.g. to kill one of them. */
    List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the peer with SIGINT (ffmpeg finalizes its output), then kills what is left. */
    void interrupt() throws InterruptedException {
        for (ProcessHandle h : process.descendants().toList()) {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(h.pid())).start().waitFor();
            } catch (IOException e) {
                h.destroy();
            }
        }
    }

    /** Kills the peer and every process it started. Idempotent. */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }
}
