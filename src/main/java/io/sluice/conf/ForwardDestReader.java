package io.sluice.conf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * ForwardDestReader reads a path's forwardTargets and mediamtx-style forward entries into
 * {@link ForwardDest}s, deriving ids where none is written.
 */
final class ForwardDestReader {

    static final List<String> TARGET_KEYS = List.of("id", "url", "enable", "reconnect", "reconnectDelay",
            "reconnectMaxDelay", "maxReconnectTime", "group", "when", "username", "password", "rtspConfig", "srtConfig",
            "webrtcConfig", "rtmpConfig", "queueSize", "weight");
    /** mediamtx's forward entry: dest, the TLS certificate pin of rtsps/rtmps/whips, the WHIP Bearer token. */
    static final List<String> FORWARD_KEYS = List.of("dest", "destFingerprint", "whipBearerToken");
    static final List<String> RTSP_KEYS = List.of("transport", "fingerprint", "udpReceiverReportTimeout");
    static final List<String> SRT_KEYS = List.of("passphrase", "latency", "pbkeylen", "streamid");
    static final List<String> WEBRTC_KEYS = List.of("iceServers", "fingerprint", "iceTransportPolicy");
    static final List<String> RTMP_KEYS = List.of("fingerprint");

    private ForwardDestReader() {
    }

    /** A target read but not yet built: its id may still have to be derived. */
    private record Draft(String path, String explicitId, DestUrl url, boolean enable, boolean reconnect,
                         Duration reconnectDelay, Duration reconnectMaxDelay, Duration maxReconnectTime,
                         String username, String password, RtspDestConf rtsp, SrtDestConf srt,
                         WebrtcDestConf webrtc, RtmpDestConf rtmp, int queueSize, String group,
                         ForwardCondition when, int weight) {
    }

    /** Reads both lists of one path entry; targets with errors are reported and left out. */
    static List<ForwardDest> read(ConfNode pathNode) {
        List<Draft> drafts = new ArrayList<>();
        for (ConfNode.Element e : pathNode.list("forwardTargets", "a list of targets")) {
            ConfNode t = pathNode.mapping(e, "a mapping with keys " + String.join(", ", TARGET_KEYS));
            drafts.add(t == null ? null : target(t));
        }
        for (ConfNode.Element e : pathNode.list("forward", "a list of '- dest: URL' entries")) {
            ConfNode t = pathNode.mapping(e, "a mapping with keys " + String.join(", ", FORWARD_KEYS));
            drafts.add(t == null ? null : forward(t));
        }
        return build(drafts, pathNode.problems());
    }

    private static Draft target(ConfNode t) {
        t.checkKeys(TARGET_KEYS, Set.of());
        String id = t.get("id", null, v -> {
            String s = ConfNode.text(v);
            ForwardDest.checkId(s);
            return s;
        });
        DestUrl url = url(t, "url");
        boolean enable = t.bool("enable", true);
        boolean reconnect = t.bool("reconnect", true);
        Duration delay = t.get("reconnectDelay", ForwardDest.DEFAULT_RECONNECT_DELAY, v -> {
            Duration d = ConfNode.duration(v);
            ForwardDest.checkPositive(d);
            return d;
        });
        // A long reconnectDelay alone must not clash with the default cap, so the cap grows to meet it.
        Duration defaultMax = delay.compareTo(ForwardDest.DEFAULT_RECONNECT_MAX_DELAY) > 0
                ? delay : ForwardDest.DEFAULT_RECONNECT_MAX_DELAY;
        Duration maxDelay = t.get("reconnectMaxDelay", defaultMax, v -> {
            Duration d = ConfNode.duration(v);
            ForwardDest.checkMaxDelay(d, delay);
            return d;
        });
        Duration maxTime = t.duration("maxReconnectTime", Duration.ZERO);
        String username = t.string("username", "");
        String password = t.string("password", "");
        int queueSize = t.get("queueSize", 0, v -> {
            int n = ConfNode.integer(v, "0 (use writeQueueSize) .. " + ForwardDest.MAX_QUEUE_SIZE);
            ForwardDest.checkQueueSize(n);
            return n;
        });
        RtspDestConf rtsp = rtspConfig(t, url);
        SrtDestConf srt = srtConfig(t, url);
        WebrtcDestConf webrtc = webrtcConfig(t, url);
        RtmpDestConf rtmp = rtmpConfig(t, url);
        String group = t.get("group", "", v -> {
            String g = ConfNode.text(v);
            ForwardDest.checkGroup(g);
            return g;
        });
        ForwardCondition when = when(t);
        int weight = t.get("weight", 1, v -> {
            int w = ConfNode.integer(v, ForwardDest.ACCEPTED_WEIGHT);
            ForwardDest.checkWeight(w);
            return w;
        });
        return new Draft(t.path(), id, url, enable, reconnect, delay, maxDelay, maxTime, username, password,
                rtsp, srt, webrtc, rtmp, queueSize, group, when, weight);
    }

    private static ForwardCondition when(ConfNode t) {
        if (!t.has("when")) {
            return ForwardCondition.ALWAYS;
        }
        ConfNode w = t.object("when");
        if (w == null) {
            return ForwardCondition.ALWAYS;
        }
        w.checkKeys(ForwardCondition.KEYS, Set.of());
        int minReaders = w.get("minReaders", 0, v -> ConfNode.integer(v, "an integer >= 0"));
        java.time.LocalTime[] window = w.get("between", null, v -> ForwardCondition.parseBetween(ConfNode.text(v)));
        // one codec or a list of them
        List<String> codecs = w.get("codec", List.of(), v -> {
            List<String> out = new ArrayList<>();
            if (v.isArray()) {
                for (JsonNode e : v) {
                    out.add(checkCodec(ConfNode.text(e)));
                }
            } else {
                out.add(checkCodec(ConfNode.text(v)));
            }
            return out;
        });
        int minKbps = w.get("minBitrateKbps", 0, v -> bounded(v, "minBitrateKbps", ForwardCondition::checkKbps));
        int maxKbps = w.get("maxBitrateKbps", 0, v -> bounded(v, "maxBitrateKbps", ForwardCondition::checkKbps));
        int minWidth = w.get("minWidth", 0, v -> bounded(v, "minWidth", ForwardCondition::checkSide));
        int minHeight = w.get("minHeight", 0, v -> bounded(v, "minHeight", ForwardCondition::checkSide));
        double minFps = w.get("minFps", 0.0, v -> {
            if (!v.isNumber()) {
                throw new BadValue("wrong type: expected a number, got " + ConfNode.describe(v),
                        ForwardCondition.ACCEPTED_FPS);
            }
            ForwardCondition.checkFps(v.doubleValue());
            return v.doubleValue();
        });
        java.time.Duration hold = w.get("hold", null, v -> {
            java.time.Duration d = ConfNode.duration(v);
            ForwardCondition.checkHold(d);
            return d;
        });
        try {
            return new ForwardCondition(minReaders, window == null ? null : window[0], window == null ? null : window[1],
                    codecs, minKbps, maxKbps, minWidth, minHeight, minFps, hold);
        } catch (BadValue e) {
            w.problems().add(w.path(), e);
            return ForwardCondition.ALWAYS;
        }
    }

    /** An integer key of when: whose range check names the key and the value. */
    private static int bounded(JsonNode v, String key, java.util.function.ObjIntConsumer<String> check) {
        int n = ConfNode.integer(v, key.endsWith("Kbps") ? ForwardCondition.ACCEPTED_KBPS
                : ForwardCondition.ACCEPTED_SIDE);
        check.accept(key, n);
        return n;
    }

    private static String checkCodec(String s) {
        String c = ForwardCondition.codec(s);
        if (!ForwardCondition.CODECS.contains(c)) {
            throw new BadValue("unknown codec '" + s + "'", ForwardCondition.ACCEPTED_CODECS);
        }
        return c;
    }

    /**
     * A mediamtx v1.20 "forward: - dest: URL" entry: dest (with $MTX_PATH, $G1... and rtmp's #streamKey),
     * destFingerprint (the rtsps/rtmps/whips server certificate's SHA-256, into that protocol's fingerprint)
     * and whipBearerToken (sent as the WHIP target's password is: "Authorization: Bearer"); everything
     * else takes the defaults.
     */
    private static Draft forward(ConfNode t) {
        t.checkKeys(FORWARD_KEYS, Set.of());
        DestUrl url = url(t, "dest");
        String fingerprint = t.get("destFingerprint", "", v -> {
            String fp = normalizedFingerprint(ConfNode.text(v));
            if (!fp.isEmpty() && url != null && !tlsUrl(url)) {
                throw new BadValue("a certificate fingerprint for a URL without TLS", "rtsps, rtmps, whips or https"
                        + " URLs only");
            }
            return fp;
        });
        String token = t.get("whipBearerToken", "", v -> {
            String s = ConfNode.text(v);
            if (!s.isEmpty() && url != null && !(url instanceof DestUrl.Whip)) {
                throw new BadValue("a WHIP token for a URL that is not WHIP", "whip, whips, webrtc, http, https URLs");
            }
            return s;
        });
        RtspDestConf rtsp = url instanceof DestUrl.Rtsp
                ? new RtspDestConf(RtspTransport.AUTOMATIC, fingerprint, RtspDestConf.DEFAULT_UDP_RECEIVER_REPORT_TIMEOUT)
                : RtspDestConf.DEFAULT;
        RtmpDestConf rtmp = url instanceof DestUrl.Rtmp ? new RtmpDestConf(fingerprint) : RtmpDestConf.DEFAULT;
        WebrtcDestConf webrtc = url instanceof DestUrl.Whip ? new WebrtcDestConf(List.of(), fingerprint, false)
                : WebrtcDestConf.DEFAULT;
        return new Draft(t.path(), null, url, true, true, ForwardDest.DEFAULT_RECONNECT_DELAY,
                ForwardDest.DEFAULT_RECONNECT_MAX_DELAY, Duration.ZERO, "", token, rtsp, SrtDestConf.DEFAULT, webrtc,
                rtmp, 0, "", ForwardCondition.ALWAYS, 1);
    }

    private static boolean tlsUrl(DestUrl url) {
        return switch (url) {
            case DestUrl.Rtsp r -> r.tls();
            case DestUrl.Rtmp r -> r.tls();
            case DestUrl.Whip w -> w.tls();
            case DestUrl.Srt s -> false;
        };
    }

    private static DestUrl url(ConfNode t, String key) {
        if (!t.has(key)) {
            t.problems().add(t.keyPath(key), "missing", DestUrl.ACCEPTED_SCHEMES + " URLs");
            return null;
        }
        return t.get(key, null, v -> DestUrl.parse(ConfNode.text(v)));
    }

    /**
     * The sub-mapping key, or null when absent; a present one for a URL of another protocol is an
     * error, since it would be silently ignored and is most likely a copy-paste slip.
     */
    private static ConfNode protocolConfig(ConfNode t, String key, DestUrl url, Class<? extends DestUrl> kind,
                                           String schemes) {
        if (!t.has(key)) {
            return null;
        }
        if (url != null && !kind.isInstance(url)) {
            t.problems().add(t.keyPath(key), "only valid for " + schemes + " URLs",
                    "remove " + key + ", or use a " + schemes + " URL");
            return null;
        }
        return t.object(key);
    }

    private static RtspDestConf rtspConfig(ConfNode t, DestUrl url) {
        ConfNode c = protocolConfig(t, "rtspConfig", url, DestUrl.Rtsp.class, "rtsp/rtsps");
        if (c == null) {
            return RtspDestConf.DEFAULT;
        }
        c.checkKeys(RTSP_KEYS, Set.of());
        RtspTransport transport = c.get("transport", RtspTransport.AUTOMATIC,
                v -> RtspTransport.fromYaml(ConfNode.text(v), true));
        String fingerprint = fingerprint(c);
        Duration rrTimeout = c.duration("udpReceiverReportTimeout", RtspDestConf.DEFAULT_UDP_RECEIVER_REPORT_TIMEOUT);
        return new RtspDestConf(transport == null ? RtspTransport.AUTOMATIC : transport,
                fingerprint == null ? "" : fingerprint,
                rrTimeout == null ? RtspDestConf.DEFAULT_UDP_RECEIVER_REPORT_TIMEOUT : rrTimeout);
    }

    private static String fingerprint(ConfNode c) {
        return c.get("fingerprint", "", v -> normalizedFingerprint(ConfNode.text(v)));
    }

    private static String normalizedFingerprint(String s) {
        try {
            return RtspDestConf.normalizeFingerprint(s);
        } catch (IllegalArgumentException e) {
            throw new BadValue(e.getMessage(), RtspDestConf.ACCEPTED_FINGERPRINT);
        }
    }

    private static SrtDestConf srtConfig(ConfNode t, DestUrl url) {
        ConfNode c = protocolConfig(t, "srtConfig", url, DestUrl.Srt.class, "srt");
        if (c == null) {
            return SrtDestConf.DEFAULT;
        }
        c.checkKeys(SRT_KEYS, Set.of());
        String passphrase = c.get("passphrase", "", v -> {
            String s = ConfNode.text(v);
            SrtDestConf.checkPassphrase(s);
            return s;
        });
        int latency = c.get("latency", SrtDestConf.DEFAULT_LATENCY_MS, v -> {
            int n = ConfNode.integer(v, "0.." + SrtDestConf.MAX_LATENCY_MS + " (milliseconds)");
            SrtDestConf.checkLatency(n);
            return n;
        });
        int pbkeylen = c.get("pbkeylen", 0, v -> {
            int n = ConfNode.integer(v, "0, 16, 24, 32");
            SrtDestConf.checkPbkeylen(n);
            return n;
        });
        String streamId = c.get("streamid", "", v -> {
            String s = ConfNode.text(v);
            SrtDestConf.checkStreamId(s);
            return s;
        });
        return new SrtDestConf(passphrase, latency, pbkeylen, streamId);
    }

    private static WebrtcDestConf webrtcConfig(ConfNode t, DestUrl url) {
        ConfNode c = protocolConfig(t, "webrtcConfig", url, DestUrl.Whip.class, "whip/whips/webrtc/http/https");
        if (c == null) {
            return WebrtcDestConf.DEFAULT;
        }
        c.checkKeys(WEBRTC_KEYS, Set.of());
        String fingerprint = fingerprint(c);
        boolean relayOnly = c.get("iceTransportPolicy", false, v -> WebrtcDestConf.relayOnly(ConfNode.text(v)));
        return new WebrtcDestConf(c.strings("iceServers", WebrtcDestConf.ACCEPTED_ICE, WebrtcDestConf::checkIceServer),
                fingerprint == null ? "" : fingerprint, relayOnly);
    }

    private static RtmpDestConf rtmpConfig(ConfNode t, DestUrl url) {
        ConfNode c = protocolConfig(t, "rtmpConfig", url, DestUrl.Rtmp.class, "rtmp/rtmps");
        if (c == null) {
            return RtmpDestConf.DEFAULT;
        }
        c.checkKeys(RTMP_KEYS, Set.of());
        String fingerprint = fingerprint(c);
        return new RtmpDestConf(fingerprint == null ? "" : fingerprint);
    }

    /**
     * Checks explicit ids, derives the missing ones and builds the targets. Explicit ids are
     * reserved first so a derived id never takes one the user wrote further down.
     */
    private static List<ForwardDest> build(List<Draft> drafts, Problems problems) {
        Map<String, String> explicit = new HashMap<>();
        for (int i = 0; i < drafts.size(); i++) {
            Draft d = drafts.get(i);
            if (d != null && d.explicitId() != null) {
                String first = explicit.putIfAbsent(d.explicitId(), d.path());
                if (first != null) {
                    problems.add(d.path() + ".id", "duplicate id '" + d.explicitId() + "' (first used at " + first + ")",
                            "ids unique within a path");
                    drafts.set(i, null); // reported once here, not again by the PathConf constructor
                }
            }
        }
        Set<String> used = new HashSet<>(explicit.keySet());
        List<ForwardDest> out = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Draft d = drafts.get(i);
            if (d == null || d.url() == null) {
                continue;
            }
            String id = d.explicitId();
            if (id == null) {
                id = derivedId(d.url(), used);
                used.add(id);
            }
            try {
                out.add(new ForwardDest(id, d.url(), d.enable(), d.reconnect(), d.reconnectDelay(),
                        d.reconnectMaxDelay(), d.maxReconnectTime(), d.username(), d.password(), d.rtsp(), d.srt(),
                        d.webrtc(), d.rtmp(), d.queueSize(), d.group(), d.when(), d.weight()));
            } catch (BadValue e) {
                problems.add(d.path(), e); // the reads above check the same rules, so this means a bug there
            }
        }
        return out;
    }

    /**
     * "{host}-{port}-{hash}", hash = 4 hex digits of the SHA-256 of the whole URL: readable in logs and
     * the API, and, unlike a position, unchanged when other targets are added, removed or reordered (so
     * a reload does not restart them). Identical URLs get "-2", "-3" in file order. Write an explicit
     * id to keep one across URL changes.
     */
    static String derivedId(DestUrl url, Set<String> used) {
        String host = url.host().replaceAll("[^A-Za-z0-9_.-]", "_");
        String hash;
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(url.raw().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            hash = java.util.HexFormat.of().formatHex(d, 0, 2);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        String base = host + "-" + url.port();
        if (base.length() > 53) {
            base = base.substring(0, 53); // room for "-hash" and a "-NN" suffix within 64 characters
        }
        base += "-" + hash;
        String id = base;
        for (int n = 2; used.contains(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }
}
