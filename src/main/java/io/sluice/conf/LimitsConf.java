package io.sluice.conf;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * LimitsConf bounds what clients can make the server hold, so that a flood, a slow client (slowloris) or a
 * bug in a peer cannot exhaust memory, threads or file descriptors. Every refusal is counted in
 * {@code sluice_refused_total{protocol,cause}} and logged at most once per second per cause.
 *
 * <p>Sluice's own keys (mediamtx has no equivalent); defaults are generous for a single server and well
 * below what the process can hold (the soak in bench/ measures the cost per connection).
 *
 * @param maxConnections most open connections per listener (RTSP, RTSPS, RTMP, RTMPS, SRT, WebRTC HTTP,
 *     API, metrics); 0 = no limit
 * @param maxConnectionsPerIP most open connections from one client address per listener; 0 = no limit
 * @param handshakeTimeout deadline for a new connection's handshake and first complete request (RTMP
 *     handshake and connect/publish/play, RTSP first request, HTTP request header and body, TLS handshake,
 *     SRT handshake)
 * @param maxHeaderBytes largest RTSP or HTTP request line plus header section
 * @param maxBodyBytes largest RTSP or HTTP request body (SDP, WHIP offers, API JSON)
 * @param maxPaths most paths that exist at once (configured and dynamic); 0 = no limit
 * @param maxSessions most sessions per protocol server that outlive a connection (RTSP sessions, WebRTC
 *     peer sessions); 0 = no limit
 */
public record LimitsConf(int maxConnections, int maxConnectionsPerIP, Duration handshakeTimeout, int maxHeaderBytes,
                         int maxBodyBytes, int maxPaths, int maxSessions) {

    /** The keys, as written at the top level of the file. */
    static final List<String> KEYS = List.of("maxConnections", "maxConnectionsPerIP", "handshakeTimeout",
            "maxHeaderBytes", "maxBodyBytes", "maxPaths", "maxSessions");

    public static final LimitsConf DEFAULT =
            new LimitsConf(2048, 256, Duration.ofSeconds(10), 16 * 1024, 1024 * 1024, 4096, 2048);

    static final int MAX_COUNT = 1 << 20;
    static final int MIN_HEADER_BYTES = 1024;
    static final int MAX_SIZE_BYTES = 64 << 20;

    public LimitsConf {
        checkCount("maxConnections", maxConnections);
        checkCount("maxConnectionsPerIP", maxConnectionsPerIP);
        checkCount("maxPaths", maxPaths);
        checkCount("maxSessions", maxSessions);
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        ForwardDest.checkPositive(handshakeTimeout);
        checkSize("maxHeaderBytes", maxHeaderBytes, MIN_HEADER_BYTES);
        checkSize("maxBodyBytes", maxBodyBytes, MIN_HEADER_BYTES);
    }

    static void checkCount(String key, int n) {
        if (n < 0 || n > MAX_COUNT) {
            throw new BadValue(key + " " + n + " out of range", "0 (no limit).." + MAX_COUNT);
        }
    }

    static void checkSize(String key, int n, int min) {
        if (n < min || n > MAX_SIZE_BYTES) {
            throw new BadValue(key + " " + n + " out of range", min + ".." + MAX_SIZE_BYTES);
        }
    }

    static LimitsConf read(ConfNode n, LimitsConf d) {
        int maxConnections = count(n, "maxConnections", d.maxConnections());
        int perIp = count(n, "maxConnectionsPerIP", d.maxConnectionsPerIP());
        Duration handshake = n.get("handshakeTimeout", d.handshakeTimeout(), v -> {
            Duration t = ConfNode.duration(v);
            ForwardDest.checkPositive(t);
            return t;
        });
        int header = size(n, "maxHeaderBytes", d.maxHeaderBytes());
        int body = size(n, "maxBodyBytes", d.maxBodyBytes());
        int maxPaths = count(n, "maxPaths", d.maxPaths());
        int maxSessions = count(n, "maxSessions", d.maxSessions());
        return new LimitsConf(maxConnections, perIp, handshake, header, body, maxPaths, maxSessions);
    }

    private static int count(ConfNode n, String key, int d) {
        return n.get(key, d, v -> {
            int c = ConfNode.integer(v, "0 (no limit).." + MAX_COUNT);
            checkCount(key, c);
            return c;
        });
    }

    private static int size(ConfNode n, String key, int d) {
        return n.get(key, d, v -> {
            int c = ConfNode.integer(v, MIN_HEADER_BYTES + ".." + MAX_SIZE_BYTES);
            checkSize(key, c, MIN_HEADER_BYTES);
            return c;
        });
    }
}
