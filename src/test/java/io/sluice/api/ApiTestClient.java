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
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * ApiTestClient runs an {@link ApiServer} on 127.0.0.1:0 over a {@link Control} and calls it with the JDK HTTP
 * client. As a field with {@code @RegisterExtension} it starts before each test and closes after it; else
 * {@link #start()} and {@link #close()} it.
 */
public final class ApiTestClient implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
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

    private final Control control;
    private final Authorizer auth;
    private NetLoops loops;
    private ApiServer server;
    private HttpClient client;

    public ApiTestClient(Control control, Authorizer auth) {
        this.control = control;
        this.auth = auth;
    }

    public ApiTestClient(Control control) {
        this(control, Authorizer.ALLOW_ALL);
    }

    /** Starts the server; returns this. */
    public ApiTestClient start() throws Exception {
        loops = new NetLoops(1);
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        server = new ApiServer("127.0.0.1:0", loops, control, auth);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw e;
        }
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
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
        if (server != null) {
            server.close();
        }
        if (loops != null) {
            loops.close();
        }
        if (client != null) {
            client.close();
        }
    }
}
