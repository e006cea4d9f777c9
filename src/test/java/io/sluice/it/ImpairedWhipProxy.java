package io.sluice.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ImpairedWhipProxy puts a WHIP server behind {@link ImpairedUdpRelay}s, so that a WHIP target's media
 * crosses an impaired link: it relays the WHIP HTTP requests to the real server and rewrites the SDP on the
 * way. The answer's UDP host candidates become a relay's port (TCP candidates are removed), and the offer
 * loses its candidates (and trickle PATCHes are answered here, not relayed), so the server can only reach the
 * target through the relay, where it learns it as a peer-reflexive candidate: no ICE pair bypasses it.
 *
 * <p>Threads: the JDK HTTP server's, one per request, ended by {@link #close()}.
 */
final class ImpairedWhipProxy implements AutoCloseable {
    private static final Pattern CANDIDATE = Pattern.compile(
            "a=candidate:(\\S+) (\\d+) (\\S+) (\\d+) (\\S+) (\\d+) typ host(.*)");
    private final HttpServer http;
    private final int serverPort;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ImpairedUdpRelay> relays = new CopyOnWriteArrayList<>();

    ImpairedWhipProxy(int serverPort) throws IOException {
        this.serverPort = serverPort;
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/", this::handle);
        http.setExecutor(null);
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    /** The relays made so far (one per UDP candidate of each answer). */
    List<ImpairedUdpRelay> relays() {
        return relays;
    }

    void dropPercent(double percent) {
        relays.forEach(r -> r.dropPercent(percent));
    }

    void capKbps(long kbps) {
        relays.forEach(r -> r.capKbps(kbps));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            byte[] body = ex.getRequestBody().readAllBytes();
            if (method.equals("PATCH")) {
                ex.sendResponseHeaders(204, -1); // trickled candidates would bypass the relay
                return;
            }
            if (method.equals("POST")) {
                body = withoutCandidates(new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serverPort
                    + ex.getRequestURI())).timeout(Duration.ofSeconds(10))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                req.header("Content-Type", type);
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                req.header("Authorization", auth);
            }
            HttpResponse<String> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
            String out = resp.body();
            if (method.equals("POST") && resp.statusCode() == 201) {
                out = relayedCandidates(out);
            }
            resp.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().set("Content-Type", v));
            resp.headers().firstValue("Location").ifPresent(v -> ex.getResponseHeaders().set("Location", v));
            byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(resp.statusCode(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                ex.getResponseBody().write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String withoutCandidates(String sdp) {
        StringBuilder sb = new StringBuilder();
        for (String line : sdp.split("\r\n")) {
            if (!line.startsWith("a=candidate:") && !line.equals("a=end-of-candidates")) {
                sb.append(line).append("\r\n");
            }
        }
        return sb.toString();
    }

    private String relayedCandidates(String sdp) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line : sdp.split("\r\n")) {
            Matcher m = CANDIDATE.matcher(line);
            if (!line.startsWith("a=candidate:")) {
                sb.append(line).append("\r\n");
            } else if (m.matches() && m.group(3).equalsIgnoreCase("udp")) {
                ImpairedUdpRelay r = new ImpairedUdpRelay(m.group(5), Integer.parseInt(m.group(6)));
                relays.add(r);
                sb.append("a=candidate:").append(m.group(1)).append(' ').append(m.group(2)).append(' ')
                        .append(m.group(3)).append(' ').append(m.group(4)).append(" 127.0.0.1 ").append(r.port())
                        .append(" typ host").append(m.group(7)).append("\r\n");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        http.stop(0);
        for (ImpairedUdpRelay r : relays) {
            r.close();
        }
    }
}
