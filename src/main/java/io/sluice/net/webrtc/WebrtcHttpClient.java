package io.sluice.net.webrtc;

import io.sluice.net.FingerprintTrust;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcHttpClient is the HTTP half of one WHIP or WHEP client session (RFC 9725 §4, and WHEP, which reuses
 * it for reading): OPTIONS for the server's ICE servers, POST of the offer, DELETE of the resource it
 * created. WHIP forward targets and WHEP pull sources both use it.
 */
public final class WebrtcHttpClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcHttpClient.class);
    /** Longest error body quoted in an error message. */
    static final int MAX_QUOTED_BODY = 200;

    private final String kind;
    private final URI uri;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;
    private URI resource;

    /**
     * @param kind "WHIP" or "WHEP", for messages
     * @param token the Bearer token of every request, "" for none
     * @param fingerprint SHA-256 (lower-case hex) of the HTTPS server's certificate to trust instead of the
     *     system's CAs (mediamtx's destFingerprint, sourceFingerprint), or "" for the system's CAs
     */
    public WebrtcHttpClient(String kind, URI uri, String token, Duration timeout, String fingerprint)
            throws SSLException {
        this.kind = kind;
        this.uri = uri;
        this.token = token;
        this.timeout = timeout;
        SSLContext pinned = fingerprint.isEmpty() ? null : FingerprintTrust.jdkContext(fingerprint);
        this.http = CLIENTS.computeIfAbsent(new ClientKey(timeout, fingerprint), k -> {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(k.timeout())
                    .followRedirects(HttpClient.Redirect.NORMAL);
            return pinned == null ? b.build() : b.sslContext(pinned).build();
        });
    }

    /** What makes two sessions' HTTP clients differ. */
    private record ClientKey(Duration timeout, String fingerprint) {
    }

    /**
     * One HTTP client per connect timeout (and pinned certificate) for the whole process, shared by every
     * WHIP target and WHEP source: a client owns a selector thread and workers, and a session needs HTTP only to set up and
     * to DELETE, so a client per target kept ~3 idle threads per target for the session's life
     * (bench/fanout-webrtc.sh).
     */
    private static final java.util.concurrent.ConcurrentMap<ClientKey, HttpClient> CLIENTS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The HTTP(S) URI of an endpoint at host:port; an IPv6 host gets its brackets.
     *
     * @param pathAndQuery the path, with its query if any
     */
    public static URI uri(boolean tls, String host, int port, String pathAndQuery) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return URI.create((tls ? "https" : "http") + "://" + h + ":" + port + pathAndQuery);
    }

    public URI uri() {
        return uri;
    }

    private HttpRequest.Builder request(URI u) {
        HttpRequest.Builder b = HttpRequest.newBuilder(u).timeout(timeout);
        if (!token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** The ICE servers the endpoint advertises; none when it does not answer OPTIONS (it need not). */
    public List<IceServer> iceServers() throws InterruptedException {
        try {
            HttpResponse<Void> r = http.send(request(uri).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.discarding());
            List<IceServer> out = new ArrayList<>();
            for (String link : r.headers().allValues("Link")) {
                out.addAll(IceServer.parseLinkHeader(link));
            }
            return out;
        } catch (IOException e) {
            LOG.debug("OPTIONS {} failed: {}", uri, e.toString());
            return List.of();
        }
    }

    /** POSTs the offer; returns the answer SDP. */
    public String post(String offer) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(request(uri).header("Content-Type", "application/sdp")
                    .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) { // the JDK's has no message: say where and what
            throw new IOException(kind + " endpoint " + uri.getHost() + ":" + uri.getPort() + uri.getPath()
                    + ": connection refused", e);
        }
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            String body = r.body() == null ? "" : r.body().strip();
            if (body.length() > MAX_QUOTED_BODY) {
                body = body.substring(0, MAX_QUOTED_BODY) + "...";
            }
            throw new IOException(kind + " endpoint " + uri.getHost() + ":" + uri.getPort() + uri.getPath()
                    + " answered " + r.statusCode() + (body.isEmpty() ? "" : ": " + body));
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/sdp")) {
            throw new IOException(kind + " endpoint answered " + r.statusCode() + " with Content-Type '" + type
                    + "', not application/sdp");
        }
        r.headers().firstValue("Location").ifPresent(l -> resource = uri.resolve(l));
        return r.body();
    }

    /** Ends the session at the server (best effort: the server also times it out). */
    public void delete() {
        URI r = resource;
        if (r == null) {
            return;
        }
        resource = null;
        try {
            http.send(request(r).timeout(Duration.ofSeconds(2)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            LOG.debug("DELETE {} failed: {}", r, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Nothing to free: the HTTP client is shared and lives as long as the process. A request in flight
     * is ended by interrupting the thread that sends it (the runner does when it stops).
     */
    @Override
    public void close() {
    }
}
