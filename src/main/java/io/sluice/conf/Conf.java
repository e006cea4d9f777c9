package io.sluice.conf;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Conf is the whole server configuration as loaded from one YAML file; components compare their
 * part of it with equals() on reload.
 *
 * @param logLevel error, warn, info or debug
 * @param rtspAddress listen address of the RTSP server (TCP)
 * @param rtpAddress UDP address for RTP of RTSP sessions using UDP
 * @param rtcpAddress UDP address for RTCP of RTSP sessions using UDP
 * @param rtmpAddress listen address of the RTMP server
 * @param rtmpEncryption which RTMP listeners run: plain, plain and RTMPS, or RTMPS only
 * @param rtmpsAddress listen address of the RTMPS server
 * @param rtmpServerKey path of the TLS key (PEM) for RTMPS
 * @param rtmpServerCert path of the TLS certificate (PEM) for RTMPS
 * @param srtAddress listen address of the SRT server (UDP)
 * @param webrtc the WebRTC (WHIP/WHEP) server's addresses and ICE settings
 * @param apiAddress listen address of the control API
 * @param metricsAddress listen address of the Prometheus metrics
 * @param rtspTransports transports the RTSP server accepts from clients: UDP and/or TCP
 * @param readTimeout how long a connection may stay silent before it is closed
 * @param writeTimeout how long a write may block before the connection is closed
 * @param writeQueueSize per reader/forwarder bounded queue, in packets
 * @param authInternalUsers who may publish, read, play back, use the API and scrape metrics (mediamtx's
 *     internal authentication); a path entry's publishUser/readUser, when set, decide for that path
 * @param paths the path entries in file order
 * @param gopCache bounds of each stream's GOP cache (gopCacheMaxBytes, gopCacheMaxDuration)
 * @param limits connection, handshake, size, path and session limits
 * @param tls RTSPS, and TLS for the API, metrics and WebRTC HTTP listeners (keys, certificates, addresses)
 */
public record Conf(String logLevel, String rtspAddress, String rtpAddress, String rtcpAddress, String rtmpAddress,
                   Encryption rtmpEncryption, String rtmpsAddress, String rtmpServerKey, String rtmpServerCert,
                   String srtAddress, WebrtcServerConf webrtc, String apiAddress, String metricsAddress,
                   Set<RtspTransport> rtspTransports, Duration readTimeout, Duration writeTimeout,
                   int writeQueueSize, List<AuthUser> authInternalUsers,
                   List<PathConf> paths, GopCacheConf gopCache, LimitsConf limits, TlsConf tls) {

    static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug");
    static final int MAX_WRITE_QUEUE_SIZE = 1 << 20;

    /**
     * mediamtx's default authInternalUsers: anyone may publish, read and play back every path; the API,
     * metrics and pprof are open to local clients only.
     */
    static final List<AuthUser> DEFAULT_AUTH_USERS = List.of(
            new AuthUser(AuthUser.ANY, "", List.of(), List.of(new AuthPermission(AuthAction.PUBLISH, ""),
                    new AuthPermission(AuthAction.READ, ""), new AuthPermission(AuthAction.PLAYBACK, ""))),
            new AuthUser(AuthUser.ANY, "", List.of("127.0.0.1", "::1"), List.of(
                    new AuthPermission(AuthAction.API, ""), new AuthPermission(AuthAction.METRICS, ""),
                    new AuthPermission(AuthAction.PPROF, ""))));

    /**
     * The value of every key that the file leaves out. With no paths written, any path may be
     * published and read, as in mediamtx. The embedded sluice.yml must say the same (a test checks).
     */
    static final Conf DEFAULT = new Conf("info", ":8554", ":8000", ":8001", ":1935",
            Encryption.NO, ":1936", "", "", ":8890", WebrtcServerConf.DEFAULT, ":9997",
            ":9998", EnumSet.of(RtspTransport.UDP, RtspTransport.TCP), Duration.ofSeconds(10), Duration.ofSeconds(10),
            512, DEFAULT_AUTH_USERS, List.of(new PathConf(PathConf.ALL_OTHERS, "", "", "", "", List.of())),
            GopCacheConf.DEFAULT, LimitsConf.DEFAULT, TlsConf.DEFAULT);

    public Conf {
        checkLogLevel(Objects.requireNonNull(logLevel, "logLevel"));
        Addresses.check(rtspAddress);
        Addresses.check(rtpAddress);
        Addresses.check(rtcpAddress);
        Addresses.check(rtmpAddress);
        Objects.requireNonNull(rtmpEncryption, "rtmpEncryption");
        Addresses.check(rtmpsAddress);
        Objects.requireNonNull(rtmpServerKey, "rtmpServerKey");
        Objects.requireNonNull(rtmpServerCert, "rtmpServerCert");
        if (rtmpEncryption.tls() && (rtmpServerKey.isEmpty() || rtmpServerCert.isEmpty())) {
            throw new BadValue("rtmpEncryption '" + rtmpEncryption.yaml()
                    + "' needs rtmpServerKey and rtmpServerCert", "PEM file paths for both");
        }
        Addresses.check(srtAddress);
        Objects.requireNonNull(webrtc, "webrtc");
        Addresses.check(apiAddress);
        Addresses.check(metricsAddress);
        rtspTransports = checkTransports(rtspTransports);
        ForwardDest.checkPositive(Objects.requireNonNull(readTimeout, "readTimeout"));
        ForwardDest.checkPositive(Objects.requireNonNull(writeTimeout, "writeTimeout"));
        checkWriteQueueSize(writeQueueSize);
        authInternalUsers = List.copyOf(authInternalUsers);
        paths = List.copyOf(paths);
        Objects.requireNonNull(gopCache, "gopCache");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(tls, "tls");
        Set<String> names = new HashSet<>();
        boolean catchAll = false;
        for (PathConf p : paths) {
            if (!names.add(p.name()) || (p.isCatchAll() && catchAll)) {
                throw new BadValue("duplicate path '" + p.name() + "'", "each path once; all and all_others are one");
            }
            catchAll |= p.isCatchAll();
        }
    }

    /**
     * The entry that configures a stream path: the exact name first, then the first matching "~regex"
     * in file order, then all_others (or all); null when none matches, meaning the path is not allowed.
     */
    public PathConf pathFor(String name) {
        for (PathConf p : paths) {
            if (!p.isRegex() && !p.isCatchAll() && p.name().equals(name)) {
                return p;
            }
        }
        for (PathConf p : paths) {
            if (p.isRegex() && p.matches(name)) {
                return p;
            }
        }
        for (PathConf p : paths) {
            if (p.isCatchAll()) {
                return p;
            }
        }
        return null;
    }

    /** The entry written with exactly this name ("live/cam", "~^cam", "all_others"), or null. */
    public PathConf pathEntry(String name) {
        for (PathConf p : paths) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    static void checkLogLevel(String level) {
        if (!LOG_LEVELS.contains(level)) {
            throw new BadValue("unknown log level '" + level + "'", String.join(", ", LOG_LEVELS));
        }
    }

    static Set<RtspTransport> checkTransports(Set<RtspTransport> transports) {
        if (transports.isEmpty()) {
            throw new BadValue("no transport", "a list of udp, tcp");
        }
        if (transports.contains(RtspTransport.AUTOMATIC)) {
            throw new BadValue("'automatic' is for forward targets, not the server", "udp, tcp");
        }
        return Collections.unmodifiableSet(EnumSet.copyOf(transports));
    }

    static void checkWriteQueueSize(int n) {
        if (n < 1 || n > MAX_WRITE_QUEUE_SIZE) {
            throw new BadValue("writeQueueSize " + n + " out of range", "1.." + MAX_WRITE_QUEUE_SIZE);
        }
    }
}
