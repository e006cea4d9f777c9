package io.sluice.conf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * ConfLoader reads the YAML config into a {@link Conf}, walking the tree by hand so that every
 * problem is reported with its key path, not only the first one.
 */
public final class ConfLoader {

    /** Name of the embedded default config on the classpath, also the reference of every key. */
    static final String EMBEDDED = "sluice.yml";

    static final List<String> TOP_KEYS = Stream.of(List.of("logLevel", "rtspAddress", "rtpAddress", "rtcpAddress",
            "rtmpAddress", "rtmpEncryption", "rtmpsAddress", "rtmpServerKey", "rtmpServerCert", "srtAddress", "webrtcAddress",
            "webrtcLocalUDPAddress", "webrtcAdditionalHosts", "webrtcICEServers", "apiAddress", "metricsAddress", "rtspTransports",
            "readTimeout", "writeTimeout", "writeQueueSize", "authInternalUsers",
            "paths", "gopCacheMaxBytes", "gopCacheMaxDuration"), LimitsConf.KEYS, TlsConf.KEYS)
            .flatMap(List::stream).toList();
    static final List<String> AUTH_USER_KEYS = List.of("user", "pass", "ips", "permissions");
    static final List<String> AUTH_PERMISSION_KEYS = List.of("action", "path");
    static final List<String> PATH_KEYS =
            List.of("publishUser", "publishPass", "readUser", "readPass", "srtPublishPassphrase",
                    "srtReadPassphrase", "srtLatency", "forwardTargets", "forward", "publisherGrace", "maxReaders");

    /**
     * mediamtx keys that are accepted and ignored, at the top level and in paths, so that an existing
     * mediamtx.yml keeps loading. Their features (HLS, recording, pulling sources, toggles) do not
     * exist in Sluice; anything not listed here or in the known keys is an error.
     */
    static final Set<String> IGNORED_MEDIAMTX_KEYS = Set.of("rtsp", "rtmp", "srt", "webrtc", "api", "metrics", "hls",
            "hlsAddress", "playback", "pprof", "source", "sourceOnDemand",
            "record", "authMethod");

    /** Accepted at the top level besides TOP_KEYS: the ignored mediamtx keys and older names of known keys. */
    private static final Set<String> TOP_IGNORED_OR_ALIASED = Stream.concat(IGNORED_MEDIAMTX_KEYS.stream(),
            TlsConf.ALIASES.keySet().stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());

    // STRICT_DUPLICATE_DETECTION: YAML allows a key twice and keeps the last; a repeated path name is always a slip.
    static final YAMLMapper MAPPER =
            YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    // how a saved configuration looks: like a hand-written one
                    .enable(YAMLWriteFeature.MINIMIZE_QUOTES, YAMLWriteFeature.INDENT_ARRAYS_WITH_INDICATOR)
                    .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
                    .build();

    private ConfLoader() {
    }

    /** Reads and parses file; every problem message starts with the file's path. */
    public static Conf load(Path file) throws ConfException {
        return parse(read(file), file.toString());
    }

    /** The text of a configuration file. */
    static String read(Path file) throws ConfException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfException(file + ": cannot read: " + e, e);
        }
    }

    /** Parses yaml; sourceName starts every problem message. */
    public static Conf parse(String yaml, String sourceName) throws ConfException {
        return fromTree(readTree(yaml, sourceName), sourceName);
    }

    /** The YAML tree of a text (null for an empty one); a syntax error names its line and column. */
    static JsonNode readTree(String yaml, String sourceName) throws ConfException {
        try {
            return MAPPER.readTree(yaml);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            throw new ConfException(sourceName + ": " + where + "invalid YAML: " + oneLine(e.getOriginalMessage()), e);
        }
    }

    /** Reads a parsed YAML (or JSON) tree; sourceName starts every problem message. */
    static Conf fromTree(JsonNode root, String sourceName) throws ConfException {
        Problems problems = new Problems(sourceName);
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = MAPPER.createObjectNode(); // an empty file means all defaults
        }
        if (!root.isObject()) {
            problems.add("", "wrong type: expected a mapping, got " + ConfNode.describe(root), "a mapping of keys");
            problems.throwIfAny();
        }
        Conf conf = top(new ConfNode(root, "", problems));
        problems.throwIfAny();
        return conf;
    }

    /**
     * SnakeYAML messages span several lines with a source excerpt and a caret; problems are one line
     * each, and the line and column are already in front, so keep only the sentences.
     */
    private static String oneLine(String message) {
        List<String> kept = new ArrayList<>();
        List<String> lines = message.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith("in reader")) {
                i += 2; // the excerpt line and the caret line under it
            } else if (!l.isEmpty()) {
                kept.add(l);
            }
        }
        return String.join("; ", kept);
    }

    /** The embedded sluice.yml, parsed once; it holds every default, so it cannot fail in a correct build. */
    public static Conf defaults() {
        return Embedded.CONF;
    }

    /** The source name of the embedded sluice.yml in problem messages. */
    static final String EMBEDDED_SOURCE = EMBEDDED + " (embedded)";

    /** The text of the embedded sluice.yml; it ships in the jar, so its absence is a broken build. */
    static String embeddedYaml() {
        try (InputStream in = ConfLoader.class.getResourceAsStream("/" + EMBEDDED)) {
            if (in == null) {
                throw new IllegalStateException(EMBEDDED + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the embedded " + EMBEDDED + ": " + e.getMessage(), e);
        }
    }

    private static final class Embedded {
        static final Conf CONF = loadEmbedded();

        private static Conf loadEmbedded() {
            try {
                return parse(embeddedYaml(), EMBEDDED_SOURCE);
            } catch (ConfException e) {
                throw new IllegalStateException("embedded " + EMBEDDED + " is broken: " + e.getMessage(), e);
            }
        }
    }

    private static Conf top(ConfNode n) {
        Conf d = Conf.DEFAULT;
        n.checkKeys(TOP_KEYS, TOP_IGNORED_OR_ALIASED);
        // authMethod is otherwise ignored like other mediamtx keys, but a file asking for HTTP or JWT
        // authentication must not silently run with authInternalUsers' open default instead.
        n.get("authMethod", "internal", v -> {
            String s = ConfNode.text(v);
            if (!s.strip().equals("internal")) {
                throw new BadValue("authMethod '" + s + "' is not supported", "internal (authInternalUsers)");
            }
            return s;
        });
        String logLevel = n.get("logLevel", d.logLevel(), v -> {
            String s = ConfNode.text(v);
            Conf.checkLogLevel(s);
            return s;
        });
        String rtsp = address(n, "rtspAddress", d.rtspAddress());
        String rtp = address(n, "rtpAddress", d.rtpAddress());
        String rtcp = address(n, "rtcpAddress", d.rtcpAddress());
        String rtmp = address(n, "rtmpAddress", d.rtmpAddress());
        Encryption rtmpEncryption = n.get("rtmpEncryption", d.rtmpEncryption(), v -> Encryption.parse("rtmpEncryption",
                v.isBoolean() ? Boolean.toString(v.booleanValue()) : ConfNode.text(v)));
        String rtmps = address(n, "rtmpsAddress", d.rtmpsAddress());
        String rtmpServerKey = n.string("rtmpServerKey", d.rtmpServerKey());
        String rtmpServerCert = n.string("rtmpServerCert", d.rtmpServerCert());
        String srt = address(n, "srtAddress", d.srtAddress());
        WebrtcServerConf webrtc = webrtc(n, d.webrtc());
        String api = address(n, "apiAddress", d.apiAddress());
        String metrics = address(n, "metricsAddress", d.metricsAddress());
        Set<RtspTransport> transports = rtspTransports(n, d.rtspTransports());
        var readTimeout = n.get("readTimeout", d.readTimeout(), v -> {
            var t = ConfNode.duration(v);
            ForwardDest.checkPositive(t);
            return t;
        });
        var writeTimeout = n.get("writeTimeout", d.writeTimeout(), v -> {
            var t = ConfNode.duration(v);
            ForwardDest.checkPositive(t);
            return t;
        });
        int writeQueueSize = n.get("writeQueueSize", d.writeQueueSize(), v -> {
            int q = ConfNode.integer(v, "1.." + Conf.MAX_WRITE_QUEUE_SIZE);
            Conf.checkWriteQueueSize(q);
            return q;
        });
        List<AuthUser> users = authInternalUsers(n, d.authInternalUsers());
        List<PathConf> paths = paths(n, d.paths());
        GopCacheConf gopCache = gopCache(n, d.gopCache());
        LimitsConf limits = LimitsConf.read(n, d.limits());
        TlsConf tls = TlsConf.read(n, d.tls());
        try {
            return new Conf(logLevel, rtsp, rtp, rtcp, rtmp, rtmpEncryption, rtmps, rtmpServerKey,
                    rtmpServerCert, srt, webrtc, api, metrics, transports, readTimeout,
                    writeTimeout, writeQueueSize, users, paths, gopCache,
                    limits, tls);
        } catch (BadValue e) {
            n.problems().add("", e); // the reads above check the same rules, so this means a bug there
            return null;
        }
    }

    private static GopCacheConf gopCache(ConfNode n, GopCacheConf d) {
        long maxBytes = n.get("gopCacheMaxBytes", d.maxBytes(), v -> {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new BadValue("wrong type: expected an integer, got " + ConfNode.describe(v),
                        "0 (no cache).." + GopCacheConf.MAX_BYTES);
            }
            GopCacheConf.checkBytes(v.longValue());
            return v.longValue();
        });
        var maxDuration = n.get("gopCacheMaxDuration", d.maxDuration(), v -> {
            var t = ConfNode.duration(v);
            GopCacheConf.checkDuration(t);
            return t;
        });
        return new GopCacheConf(maxBytes, maxDuration);
    }

    private static WebrtcServerConf webrtc(ConfNode n, WebrtcServerConf d) {
        String address = address(n, "webrtcAddress", d.address());
        String udp = address(n, "webrtcLocalUDPAddress", d.localUdpAddress());
        List<String> hosts = n.has("webrtcAdditionalHosts") ? new ArrayList<>() : d.additionalHosts();
        for (ConfNode.Element e : n.list("webrtcAdditionalHosts", "a list of host names or IPs")) {
            try {
                String h = ConfNode.text(e.node());
                new WebrtcServerConf(d.address(), d.localUdpAddress(), List.of(h), List.of());
                hosts.add(h);
            } catch (BadValue b) {
                n.problems().add(e.path(), b);
            }
        }
        List<String> ice = n.has("webrtcICEServers") ? new ArrayList<>() : d.iceServers();
        for (ConfNode.Element e : n.list("webrtcICEServers", WebrtcDestConf.ACCEPTED_ICE)) {
            try {
                String s = ConfNode.text(e.node());
                WebrtcDestConf.checkIceServer(s);
                ice.add(s);
            } catch (BadValue b) {
                n.problems().add(e.path(), b);
            }
        }
        return new WebrtcServerConf(address, udp, hosts, ice);
    }

    private static String address(ConfNode n, String key, String def) {
        return n.get(key, def, v -> Addresses.check(ConfNode.text(v)));
    }

    private static Set<RtspTransport> rtspTransports(ConfNode n, Set<RtspTransport> def) {
        if (!n.has("rtspTransports")) {
            return def;
        }
        int before = n.problems().size();
        Set<RtspTransport> out = EnumSet.noneOf(RtspTransport.class);
        for (ConfNode.Element e : n.list("rtspTransports", "a list of udp, tcp")) {
            try {
                String s = ConfNode.text(e.node());
                // mediamtx's default list has "multicast"; Sluice does not serve multicast, so skip it
                // rather than break every mediamtx.yml.
                if (!s.strip().equalsIgnoreCase("multicast")) {
                    out.add(RtspTransport.fromYaml(s, false));
                }
            } catch (BadValue b) {
                n.problems().add(e.path(), b);
            }
        }
        if (out.isEmpty()) {
            if (n.problems().size() == before) {
                n.problems().add(n.keyPath("rtspTransports"), "no transport", "a list of udp, tcp");
            }
            return def;
        }
        return out;
    }

    /**
     * Absent or null keeps mediamtx's default users; an empty list is kept as written (then only path
     * entries with publishUser/readUser let anyone in, as in mediamtx).
     */
    private static List<AuthUser> authInternalUsers(ConfNode n, List<AuthUser> def) {
        if (!n.has("authInternalUsers")) {
            return def;
        }
        List<AuthUser> out = new ArrayList<>();
        for (ConfNode.Element e : n.list("authInternalUsers", "a list of users")) {
            ConfNode u = n.mapping(e, "a mapping with keys " + String.join(", ", AUTH_USER_KEYS));
            if (u == null) {
                continue;
            }
            int before = n.problems().size();
            u.checkKeys(AUTH_USER_KEYS, Set.of());
            String user = u.get("user", "", v -> {
                String s = ConfNode.text(v);
                AuthUser.checkUser(s);
                return s;
            });
            if (!u.has("user")) {
                n.problems().add(u.keyPath("user"), "missing", AuthUser.ACCEPTED_USER);
            }
            String pass = u.get("pass", "", v -> {
                String s = ConfNode.text(v);
                AuthUser.checkCredential(s, AuthUser.ACCEPTED_PASS);
                return s;
            });
            if (user.equals(AuthUser.ANY) && !pass.isEmpty()) {
                n.problems().add(u.keyPath("pass"), "user 'any' is anyone, so it cannot have a password",
                        "an empty pass for any, or a named user");
            }
            List<String> ips = new ArrayList<>();
            for (ConfNode.Element ip : u.list("ips", "a list of IPs and CIDR ranges")) {
                try {
                    String s = ConfNode.text(ip.node());
                    AuthUser.checkIp(s);
                    ips.add(s.strip());
                } catch (BadValue b) {
                    n.problems().add(ip.path(), b);
                }
            }
            List<AuthPermission> permissions = new ArrayList<>();
            for (ConfNode.Element pe : u.list("permissions", "a list of '- action: ACTION' entries")) {
                ConfNode p = u.mapping(pe, "a mapping with keys action, path");
                if (p != null) {
                    AuthPermission perm = permission(p);
                    if (perm != null) {
                        permissions.add(perm);
                    }
                }
            }
            if (n.problems().size() == before) {
                try {
                    out.add(new AuthUser(user, pass, ips, permissions));
                } catch (BadValue b) {
                    n.problems().add(e.path(), b); // the reads above check the same rules
                }
            }
        }
        return out;
    }

    private static AuthPermission permission(ConfNode p) {
        int before = p.problems().size();
        p.checkKeys(AUTH_PERMISSION_KEYS, Set.of());
        AuthAction action = p.get("action", null, v -> AuthAction.parse(ConfNode.text(v)));
        if (!p.has("action")) {
            p.problems().add(p.keyPath("action"), "missing", AuthAction.ACCEPTED);
        }
        String path = p.get("path", "", v -> {
            String s = ConfNode.text(v);
            AuthPermission.checkPath(s);
            return s;
        });
        return p.problems().size() == before ? new AuthPermission(action, path) : null;
    }

    private static List<PathConf> paths(ConfNode n, List<PathConf> def) {
        ConfNode paths = n.object("paths");
        if (paths == null || paths.keys().isEmpty()) {
            return def; // like mediamtx: no paths written means every path is allowed
        }
        List<PathConf> out = new ArrayList<>();
        String catchAll = null;
        for (String name : paths.keys()) {
            String keyPath = paths.keyPath(name);
            try {
                PathConf.checkName(name);
            } catch (BadValue e) {
                n.problems().add(keyPath, e);
                continue;
            }
            if (name.equals(PathConf.ALL_OTHERS) || name.equals(PathConf.ALL)) {
                if (catchAll != null) {
                    n.problems().add(keyPath, "'" + name + "' repeats '" + catchAll + "'",
                            "one of all_others, all (they mean the same)");
                    continue;
                }
                catchAll = name;
            }
            ConfNode p = paths.object(name);
            if (p == null) {
                continue;
            }
            p.checkKeys(PATH_KEYS, IGNORED_MEDIAMTX_KEYS);
            List<ForwardDest> targets = ForwardDestReader.read(p);
            try {
                out.add(new PathConf(name, p.string("publishUser", ""), p.string("publishPass", ""),
                        p.string("readUser", ""), p.string("readPass", ""),
                        p.string("srtPublishPassphrase", ""), p.string("srtReadPassphrase", ""),
                        p.get("srtLatency", SrtDestConf.DEFAULT_LATENCY_MS,
                                v -> ConfNode.integer(v, "0.." + SrtDestConf.MAX_LATENCY_MS + " (milliseconds)")),
                        targets, p.get("publisherGrace", PathConf.DEFAULT_PUBLISHER_GRACE, v -> {
                            java.time.Duration d = ConfNode.duration(v);
                            PathConf.checkPublisherGrace(d);
                            return d;
                        }), p.get("maxReaders", 0, v -> {
                            int m = ConfNode.integer(v, "0 (no limit).." + PathConf.MAX_READERS);
                            PathConf.checkMaxReaders(m);
                            return m;
                        })));
            } catch (BadValue e) {
                n.problems().add(keyPath, e);
            }
        }
        return out;
    }
}
