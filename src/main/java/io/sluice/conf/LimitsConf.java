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

    static final int MAX_COUNT = 1 << 20;
    static final int MIN_HEADER_BYTES = 1024;
    static final int MAX_SIZE_BYTES = 64 << 20;

    static final Key<Integer> MAX_CONNECTIONS = count("maxConnections", 2048);
    static final Key<Integer> MAX_CONNECTIONS_PER_IP = count("maxConnectionsPerIP", 256);
    static final Key<Duration> HANDSHAKE_TIMEOUT = Key.positive("handshakeTimeout", Duration.ofSeconds(10));
    static final Key<Integer> MAX_HEADER_BYTES = size("maxHeaderBytes", 16 * 1024);
    static final Key<Integer> MAX_BODY_BYTES = size("maxBodyBytes", 1024 * 1024);
    static final Key<Integer> MAX_PATHS = count("maxPaths", 4096);
    static final Key<Integer> MAX_SESSIONS = count("maxSessions", 2048);

    static final KeyTable<LimitsConf> KEYS = new KeyTable<>(List.of(MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP,
            HANDSHAKE_TIMEOUT, MAX_HEADER_BYTES, MAX_BODY_BYTES, MAX_PATHS, MAX_SESSIONS), MAX_CONNECTIONS,
            v -> new LimitsConf(v.get(MAX_CONNECTIONS), v.get(MAX_CONNECTIONS_PER_IP), v.get(HANDSHAKE_TIMEOUT),
                    v.get(MAX_HEADER_BYTES), v.get(MAX_BODY_BYTES), v.get(MAX_PATHS), v.get(MAX_SESSIONS)));

    public static final LimitsConf DEFAULT = KEYS.defaults();

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

    private static Key<Integer> count(String key, int def) {
        return Key.of(key, def, v -> {
            int c = ConfNode.integer(v, "0 (no limit).." + MAX_COUNT);
            checkCount(key, c);
            return c;
        });
    }

    private static Key<Integer> size(String key, int def) {
        return Key.of(key, def, v -> {
            int c = ConfNode.integer(v, MIN_HEADER_BYTES + ".." + MAX_SIZE_BYTES);
            checkSize(key, c, MIN_HEADER_BYTES);
            return c;
        });
    }
}
