package io.sluice.core;

import io.sluice.conf.LimitsConf;
import io.sluice.metrics.MetricsEndpoint;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.http.HttpListener;
import io.sluice.net.http.HttpReply;
import io.sluice.net.http.HttpRequest;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * MetricsServer mounts the {@link MetricsEndpoint} on an HTTP listener of its own ({@code metricsAddress}),
 * so that Prometheus can be let in by address without opening the API. Scrapes run on the listener's
 * virtual threads, never on an event loop.
 */
final class MetricsServer implements AutoCloseable {
    private final HttpListener listener;

    /** @param tls HTTPS only when not null (metricsEncryption: yes) */
    MetricsServer(String address, NetLoops loops, MetricsEndpoint endpoint, Supplier<LimitsConf> limits,
            Refusals refusals, SslContext tls) {
        this.listener = new HttpListener("metrics", address, loops, req -> reply(endpoint.handle(request(req))),
                limits, refusals);
        if (tls != null) {
            listener.useTls(tls, limits.get().handshakeTimeout());
        }
    }

    private static MetricsEndpoint.Request request(HttpRequest r) {
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().forEach((k, v) -> {
            if (!v.isEmpty()) {
                headers.put(k, v.getFirst());
            }
        });
        return new MetricsEndpoint.Request(r.method(), r.path(), headers, r.remote().getAddress());
    }

    private static HttpReply reply(MetricsEndpoint.Response r) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(r.headers().entrySet());
        return new HttpReply(r.status(), r.contentType(), r.body(), headers);
    }

    void start() throws IOException, InterruptedException {
        listener.start();
    }

    int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
    }
}
