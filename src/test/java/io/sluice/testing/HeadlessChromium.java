package io.sluice.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HeadlessChromium is one page open in headless Chromium, driven over the DevTools protocol (Runtime.evaluate):
 * enough to wait for the page's own state (which {@code --dump-dom} returns before a page's network and WebRTC
 * work ends) and to click its buttons, with no WebDriver jar. Chromium runs under {@code timeout}, and
 * {@link #close()} kills it and its children. {@link #run} runs it once, for {@code --dump-dom} or
 * {@code --screenshot}.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    /** Loopback only, no background traffic: the flags of shared/peers' Chromium scripts. */
    public static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", "--disable-default-apps",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket ws;
    private final StringBuilder partial = new StringBuilder();
    private volatile CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    private int nextId = 1;

    /**
     * @param profile an empty directory for the browser profile
     * @param flags more flags, after {@link #FLAGS} (a window size, a fake camera)
     */
    public HeadlessChromium(String url, Path profile, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "5", "90", BINARY.toString()));
        cmd.addAll(FLAGS);
        cmd.addAll(List.of("--user-data-dir=" + profile, "--remote-debugging-port=0"));
        cmd.addAll(List.of(flags));
        cmd.add(url);
        process = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort"); // written once the debugger listens
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IOException("Chromium did not start its DevTools listener");
                }
                Thread.sleep(50);
            }
            String port = Files.readAllLines(portFile).getFirst().strip();
            String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .build(), BodyHandlers.ofString()).body();
            String wsUrl = null;
            for (JsonNode target : JSON.readTree(list)) {
                if (target.get("type").asString().equals("page")) {
                    wsUrl = target.get("webSocketDebuggerUrl").asString();
                }
            }
            if (wsUrl == null) {
                throw new IOException("no page target in " + list);
            }
            ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new Listener()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * Runs Chromium once with {@link #FLAGS}, a profile and {@code args}, bounded in time (60 s); returns its
     * standard output.
     *
     * @param profile an empty directory for the browser profile
     */
    public static String run(Path profile, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "5", "60", BINARY.toString()));
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(70, TimeUnit.SECONDS)) {
                throw new IOException("Chromium did not end: " + args);
            }
            return out;
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** The DOM of {@code url} after its scripts ran for {@code budget} of virtual time (their fetches included). */
    public static String dumpDom(String url, Path profile, Duration budget) throws Exception {
        return run(profile, List.of("--virtual-time-budget=" + budget.toMillis(), "--dump-dom", url));
    }

    /** Polls a JavaScript expression until its string value satisfies {@code done}; returns the last value. */
    public String await(String expression, Predicate<String> done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String value = evaluate(expression);
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            value = evaluate(expression);
        }
        return value;
    }

    /** The string value of an expression ("undefined"/"null" as such, an exception as its description). */
    public synchronized String evaluate(String expression) throws Exception {
        reply = new CompletableFuture<>();
        String msg = JSON.writeValueAsString(Map.of("id", nextId++, "method", "Runtime.evaluate",
                "params", Map.of("expression", "String(" + expression + ")")));
        ws.sendText(msg, true).get(5, TimeUnit.SECONDS);
        JsonNode result = reply.get(10, TimeUnit.SECONDS).path("result");
        if (result.has("exceptionDetails")) {
            return "exception: " + result.path("exceptionDetails").path("exception").path("description").asString();
        }
        return result.path("result").path("value").asString(String.valueOf(result));
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonNode msg = JSON.readTree(partial.toString());
                partial.setLength(0);
                if (msg.has("id")) { // events (no id) are not asked for, but ignore any that come
                    reply.complete(msg);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
