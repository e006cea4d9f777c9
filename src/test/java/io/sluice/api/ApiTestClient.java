package io.sluice.api;

import io.sluice.auth.Authorizer;
import io.sluice.control.Control;
import io.sluice.net.NetLoops;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** ApiTestClient runs an {@link ApiServer} on 127.0.0.1:0 and calls it with the JDK HTTP client. */
final class ApiTestClient implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** One response, with its body parsed as JSON when it is JSON. */
    record Res(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final NetLoops loops = new NetLoops(1);
    final ApiServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiTestClient(Control control, Authorizer auth) throws Exception {
        server = new ApiServer("127.0.0.1:0", loops, control, auth);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    ApiTestClient(Control control) throws Exception {
        this(control, Authorizer.ALLOW_ALL);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    Res get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Res post(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).POST(BodyPublishers.ofString(body)));
    }

    Res patch(String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).method("PATCH", BodyPublishers.ofString(body)));
    }

    Res delete(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Res send(HttpRequest.Builder b) throws Exception {
        var r = client.send(b.timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
        return new Res(r.statusCode(), r.headers(), r.body());
    }

    @Override
    public void close() {
        server.close();
        loops.close();
        client.close();
    }
}
