package io.sluice.conf;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Conf is the whole server configuration as loaded from one YAML file. The file is flat (mediamtx's key
 * names); here each component's keys are one record, read from its {@link KeyTable}, so that a reload
 * compares components with equals() and restarts only the part whose record changed.
 *
 * @param log logLevel
 * @param rtsp the RTSP server: rtsp*, rtp/rtcpAddress, RTSPS
 * @param rtmp the RTMP server: rtmp*, RTMPS
 * @param srt the SRT server: srt*
 * @param webrtc the WebRTC (WHIP/WHEP) server's addresses, ICE settings and HTTPS: webrtc*
 * @param api the control API: api*
 * @param metrics the Prometheus metrics: metrics*
 * @param io readTimeout, writeTimeout, writeQueueSize of every session and forward target
 * @param gopCache bounds of each stream's GOP cache (gopCacheMaxBytes, gopCacheMaxDuration)
 * @param limits connection, handshake, size, path and session limits
 * @param auth who may publish, read, play back, use the API and scrape metrics (authInternalUsers)
 * @param connHooks runOnConnect, runOnConnectRestart, runOnDisconnect
 * @param paths the path entries in file order
 */
public record Conf(LogConf log, RtspConf rtsp, RtmpConf rtmp, SrtConf srt, WebrtcServerConf webrtc,
                   HttpServerConf api, HttpServerConf metrics, IoConf io, GopCacheConf gopCache, LimitsConf limits,
                   AuthConf auth, ConnHooksConf connHooks, List<PathConf> paths) {

    /**
     * The value of every key that the file leaves out. With no paths written, any path may be
     * published and read, as in mediamtx. The embedded sluice.yml must say the same (a test checks).
     */
    static final Conf DEFAULT = new Conf(LogConf.DEFAULT, RtspConf.DEFAULT, RtmpConf.DEFAULT, SrtConf.DEFAULT,
            WebrtcServerConf.DEFAULT, HttpServerConf.API.defaults(), HttpServerConf.METRICS.defaults(), IoConf.DEFAULT,
            GopCacheConf.DEFAULT, LimitsConf.DEFAULT, AuthConf.DEFAULT, ConnHooksConf.DEFAULT,
            List.of(new PathConf(PathConf.ALL_OTHERS, "", "", "", "", List.of())));

    public Conf {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(rtsp, "rtsp");
        Objects.requireNonNull(rtmp, "rtmp");
        Objects.requireNonNull(srt, "srt");
        Objects.requireNonNull(webrtc, "webrtc");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(io, "io");
        Objects.requireNonNull(gopCache, "gopCache");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(connHooks, "connHooks");
        paths = List.copyOf(paths);
        Set<String> names = new HashSet<>();
        boolean catchAll = false;
        for (PathConf p : paths) {
            if (!names.add(p.name()) || (p.isCatchAll() && catchAll)) {
                throw new BadValue("duplicate path '" + p.name() + "'", "each path once; all and all_others are one");
            }
            catchAll |= p.isCatchAll();
        }
        checkDigestCredentials(rtsp, auth);
    }

    /**
     * With {@code rtspAuthMethods: [digest]} every credential must be in plain text: Digest proves the password
     * with a hash the server can only recompute from it (mediamtx refuses hashed credentials the same way).
     */
    private static void checkDigestCredentials(RtspConf rtsp, AuthConf auth) {
        if (!rtsp.digestOnly()) {
            return;
        }
        String accepted = "plain-text credentials with rtspAuthMethods [digest], or add basic to rtspAuthMethods";
        for (int i = 0; i < auth.internalUsers().size(); i++) {
            AuthUser u = auth.internalUsers().get(i);
            if (!u.isAny() && (u.hashedPass() || u.user().startsWith(AuthUser.SHA256))) {
                String who = u.user().startsWith(AuthUser.SHA256) ? "authInternalUsers[" + i + "] (a hashed name)"
                        : "user '" + u.user() + "'";
                throw new BadValue(who + " has a sha256-hashed credential, which RTSP Digest cannot check", accepted);
            }
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
}
