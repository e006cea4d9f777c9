package io.sluice.conf;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * PathConf is the configuration of one path entry: an exact path name, a "~regex" matching many
 * names, or the catch-all "all_others".
 *
 * @param name as written: "cam1", "~^cam[0-9]+$", "all_others" (or mediamtx's "all")
 * @param publishUser "" means anyone may publish
 * @param publishPass see publishUser
 * @param readUser "" means anyone may read
 * @param readPass see readUser
 * @param srtPublishPassphrase SRT passphrase a publisher of this path must use, "" for none
 * @param srtReadPassphrase SRT passphrase a reader of this path must use, "" for none
 * @param srtLatencyMs SRT latency (ms) the listener offers callers of this path; SRT settles on the
 *     larger of this and the caller's
 * @param forwardTargets forwardTargets entries, then mediamtx-style forward entries, in file order
 * @param publisherGrace how long readers and forward targets keep their sessions after the publisher
 *     left, waiting for a new publisher of the same stream to carry on; zero ends them at once
 * @param maxReaders most reader sessions (of every protocol) the path takes at once, 0 = no limit
 *     (mediamtx's key and default); forward targets are not readers and do not count
 * @param source where the stream comes from: a publisher, or a remote Sluice pulls (mediamtx's {@code source}
 *     and its companion keys); for a regex entry its URL may hold $G1... (see {@link #sourceFor})
 * @param hooks the runOn* commands of the path's events (mediamtx's keys)
 * @param overridePublisher whether a new publisher of a path that has one takes it over (the old one is
 *     disconnected), mediamtx's key and default (yes); no refuses the newcomer
 * @param fallback where an RTSP reader of this path is redirected while it has no stream: "/other/path" on
 *     this server or an rtsp(s):// URL; "" for none (mediamtx's key and default)
 * @param forwardGroups how the targets sharing a {@code group:} name work together, by group name; a group
 *     not listed is a failover group (see {@link #forwardGroup})
 */
public record PathConf(String name, String publishUser, String publishPass, String readUser, String readPass,
                       String srtPublishPassphrase, String srtReadPassphrase, int srtLatencyMs,
                       List<ForwardDest> forwardTargets, Duration publisherGrace, int maxReaders, SourceConf source,
                       HooksConf hooks, boolean overridePublisher, String fallback,
                       Map<String, ForwardGroup> forwardGroups) {

    /** Default of {@code publisherGrace}: long enough for a camera or encoder to reconnect after a blip. */
    public static final Duration DEFAULT_PUBLISHER_GRACE = Duration.ofSeconds(5);
    static final Duration MAX_PUBLISHER_GRACE = Duration.ofHours(1);
    static final int MAX_READERS = 1 << 20;

    static final String ALL_OTHERS = "all_others";
    static final String ALL = "all";
    static final String ACCEPTED_NAME = "a name (" + PathNames.RULE + "), ~regex, all_others, all";

    static final Key<String> PUBLISH_USER = Key.string("publishUser", "");
    static final Key<String> PUBLISH_PASS = Key.string("publishPass", "");
    static final Key<String> READ_USER = Key.string("readUser", "");
    static final Key<String> READ_PASS = Key.string("readPass", "");
    static final Key<String> SRT_PUBLISH_PASSPHRASE = Key.string("srtPublishPassphrase", "");
    static final Key<String> SRT_READ_PASSPHRASE = Key.string("srtReadPassphrase", "");
    static final Key<Integer> SRT_LATENCY = Key.of("srtLatency", SrtDestConf.DEFAULT_LATENCY_MS,
            v -> ConfNode.integer(v, "0.." + SrtDestConf.MAX_LATENCY_MS + " (milliseconds)"));
    /** Reads forwardTargets and then mediamtx's forward entries into one list (ids are unique across both). */
    static final Key<List<ForwardDest>> FORWARD_TARGETS = Key.withReader("forwardTargets", List.of(),
            (n, key, def) -> ForwardDestReader.read(n));
    /** mediamtx v1.20's "- dest: URL" entries, read with {@link #FORWARD_TARGETS}. */
    static final Key<List<ForwardDest>> FORWARD = Key.withReader("forward", List.of(), (n, key, def) -> def);
    static final Key<Duration> PUBLISHER_GRACE = Key.of("publisherGrace", DEFAULT_PUBLISHER_GRACE, v -> {
        Duration d = ConfNode.duration(v);
        checkPublisherGrace(d);
        return d;
    });
    static final Key<Integer> MAX_READERS_KEY = Key.of("maxReaders", 0, v -> {
        int m = ConfNode.integer(v, "0 (no limit).." + MAX_READERS);
        checkMaxReaders(m);
        return m;
    });

    static final Key<Boolean> OVERRIDE_PUBLISHER = Key.of("overridePublisher", true, ConfNode::bool);
    static final Key<String> FALLBACK = Key.of("fallback", "", v -> {
        String f = ConfNode.text(v);
        checkFallback(f);
        return f;
    });

    static final Key<Map<String, ForwardGroup>> FORWARD_GROUPS = Key.withReader("forwardGroups", Map.of(),
            (n, key, def) -> ForwardGroup.read(n));

    /** The keys of a path entry, in the order the "unknown key" message lists them. */
    static final List<Key<?>> KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of(PUBLISH_USER,
            PUBLISH_PASS, READ_USER, READ_PASS, SRT_PUBLISH_PASSPHRASE, SRT_READ_PASSPHRASE, SRT_LATENCY,
            FORWARD_TARGETS, FORWARD, PUBLISHER_GRACE, MAX_READERS_KEY), java.util.stream.Stream.concat(
            java.util.stream.Stream.concat(SourceConf.KEYS.keys().stream(), HooksConf.KEYS.stream()),
            java.util.stream.Stream.of(OVERRIDE_PUBLISHER, FALLBACK, FORWARD_GROUPS))).toList();

    // Records cannot hold a derived field, so compiled regexes live here. Keys are config strings,
    // which only change on reload, so the map stays small.
    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    public PathConf {
        checkName(Objects.requireNonNull(name, "name"));
        Objects.requireNonNull(publishUser, "publishUser");
        Objects.requireNonNull(publishPass, "publishPass");
        Objects.requireNonNull(readUser, "readUser");
        Objects.requireNonNull(readPass, "readPass");
        SrtDestConf.checkPassphrase(Objects.requireNonNull(srtPublishPassphrase, "srtPublishPassphrase"));
        SrtDestConf.checkPassphrase(Objects.requireNonNull(srtReadPassphrase, "srtReadPassphrase"));
        SrtDestConf.checkLatency(srtLatencyMs);
        forwardTargets = List.copyOf(forwardTargets);
        checkPublisherGrace(Objects.requireNonNull(publisherGrace, "publisherGrace"));
        checkMaxReaders(maxReaders);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(hooks, "hooks");
        if (source.pulls() && !source.onDemand()
                && (name.startsWith("~") || name.equals(ALL_OTHERS) || name.equals(ALL))) {
            // mediamtx's rule: one entry matching many names cannot pull for names nobody asked for
            throw new BadValue("'" + name + "' matches many paths and pulls from " + source.redactedUrl()
                    + ", so it must have sourceOnDemand: yes", "sourceOnDemand: yes, or an exact path name");
        }
        checkFallback(Objects.requireNonNull(fallback, "fallback"));
        forwardGroups = Map.copyOf(forwardGroups);
        Set<String> ids = new HashSet<>();
        for (ForwardDest d : forwardTargets) {
            if (!ids.add(d.id())) {
                throw new BadValue("duplicate id '" + d.id() + "'", "ids unique within a path");
            }
        }
    }

    /** A path entry whose groups are all failover groups. */
    public PathConf(String name, String publishUser, String publishPass, String readUser, String readPass,
            String srtPublishPassphrase, String srtReadPassphrase, int srtLatencyMs,
            List<ForwardDest> forwardTargets, Duration publisherGrace, int maxReaders, SourceConf source,
            HooksConf hooks, boolean overridePublisher, String fallback) {
        this(name, publishUser, publishPass, readUser, readPass, srtPublishPassphrase, srtReadPassphrase,
                srtLatencyMs, forwardTargets, publisherGrace, maxReaders, source, hooks, overridePublisher, fallback,
                Map.of());
    }

    /** How the targets of {@code group} work together: its forwardGroups entry, else failover. */
    public ForwardGroup forwardGroup(String group) {
        ForwardGroup g = forwardGroups.get(group);
        return g != null ? g : ForwardGroup.failover(group);
    }

    /** A path entry without SRT passphrases. */
    public PathConf(String name, String publishUser, String publishPass, String readUser, String readPass,
            List<ForwardDest> forwardTargets) {
        this(name, publishUser, publishPass, readUser, readPass, "", "", SrtDestConf.DEFAULT_LATENCY_MS,
                forwardTargets, DEFAULT_PUBLISHER_GRACE, 0, SourceConf.PUBLISHER, HooksConf.NONE, true, "");
    }

    /** A path entry without hooks, taking over publishers (mediamtx's default) and without fallback. */
    public PathConf(String name, String publishUser, String publishPass, String readUser, String readPass,
            String srtPublishPassphrase, String srtReadPassphrase, int srtLatencyMs,
            List<ForwardDest> forwardTargets, Duration publisherGrace, int maxReaders, SourceConf source) {
        this(name, publishUser, publishPass, readUser, readPass, srtPublishPassphrase, srtReadPassphrase,
                srtLatencyMs, forwardTargets, publisherGrace, maxReaders, source, HooksConf.NONE, true, "");
    }

    /** This entry with other hooks. */
    public PathConf withHooks(HooksConf h) {
        return new PathConf(name, publishUser, publishPass, readUser, readPass, srtPublishPassphrase,
                srtReadPassphrase, srtLatencyMs, forwardTargets, publisherGrace, maxReaders, source, h, overridePublisher,
                fallback, forwardGroups);
    }

    /**
     * Reads the entry named name from its mapping; a wrong key is reported and read as its default, and the
     * constructor throws {@link BadValue} for what spans keys (ids unique within the path).
     */
    static PathConf read(String name, ConfNode p) {
        List<ForwardDest> targets = FORWARD_TARGETS.read(p);
        Map<String, ForwardGroup> groups = FORWARD_GROUPS.read(p);
        ForwardGroup.warnUnused(p, groups, targets);
        return new PathConf(name, PUBLISH_USER.read(p), PUBLISH_PASS.read(p), READ_USER.read(p), READ_PASS.read(p),
                SRT_PUBLISH_PASSPHRASE.read(p), SRT_READ_PASSPHRASE.read(p), SRT_LATENCY.read(p), targets,
                PUBLISHER_GRACE.read(p), MAX_READERS_KEY.read(p), SourceConf.KEYS.read(p), HooksConf.read(p),
                OVERRIDE_PUBLISHER.read(p), FALLBACK.read(p), groups);
    }

    static void checkPublisherGrace(Duration d) {
        if (d.isNegative() || d.compareTo(MAX_PUBLISHER_GRACE) > 0) {
            throw new BadValue("invalid publisherGrace " + Durations.format(d), "0 (off) .. 1h, e.g. 5s");
        }
    }

    static void checkMaxReaders(int n) {
        if (n < 0 || n > MAX_READERS) {
            throw new BadValue("maxReaders " + n + " out of range", "0 (no limit).." + MAX_READERS);
        }
    }

    static final String ACCEPTED_FALLBACK = "/path/on/this/server or rtsp://host:port/path (rtsps:// too)";

    /** mediamtx's rule: a path of this server after a '/', or an RTSP URL. */
    static void checkFallback(String f) {
        if (f.isEmpty()) {
            return;
        }
        if (f.startsWith("/")) {
            try {
                PathNames.check(f.substring(1));
            } catch (PathNameException e) {
                throw new BadValue("invalid fallback '" + f + "': " + e.problem(), ACCEPTED_FALLBACK);
            }
            return;
        }
        java.net.URI u;
        try {
            u = new java.net.URI(f);
        } catch (java.net.URISyntaxException e) {
            throw new BadValue("invalid fallback '" + Redact.text(f) + "': " + e.getReason(), ACCEPTED_FALLBACK);
        }
        if (!"rtsp".equals(u.getScheme()) && !"rtsps".equals(u.getScheme()) || u.getHost() == null) {
            throw new BadValue("invalid fallback '" + Redact.text(f) + "'", ACCEPTED_FALLBACK);
        }
    }

    /**
     * The forward targets of one stream path under this entry: {@link #forwardTargets()} with mediamtx's
     * $MTX_PATH and $G1... in their URLs expanded for pathName (see {@link PathVariables}); ids stay those of
     * the entry, so the API and reloads find a target under the same id on every path.
     */
    public List<ForwardDest> forwardTargetsFor(String pathName) {
        if (forwardTargets.stream().noneMatch(d -> PathVariables.hasVariables(d.url().raw()))) {
            return forwardTargets;
        }
        List<String> groups = isRegex() ? PathVariables.groups(pattern(), pathName) : List.of();
        return forwardTargets.stream().map(d -> PathVariables.hasVariables(d.url().raw())
                ? d.withUrl(PathVariables.expand(d.url().raw(), pathName, groups)) : d).toList();
    }

    /**
     * The groups of this regex entry's match of a stream path's name ($G1 first, mediamtx's G1, G2...
     * hook variables); empty for an exact or catch-all entry.
     */
    public List<String> groupsOf(String pathName) {
        return isRegex() ? PathVariables.groups(pattern(), pathName) : List.of();
    }

    /**
     * The source of one stream path under this entry: {@link #source()} with $MTX_PATH and $G1... in its URL
     * expanded for pathName, as {@link #forwardTargetsFor} does for targets.
     *
     * @throws IllegalArgumentException naming the expanded URL's problem (e.g. a group put a '/' in the host)
     */
    public SourceConf sourceFor(String pathName) {
        if (!PathVariables.hasVariables(source.url().raw())) {
            return source;
        }
        return source.expanded(pathName, isRegex() ? PathVariables.groups(pattern(), pathName) : List.of());
    }

    /** Whether paths of this entry pull from their source as soon as they exist (not on demand). */
    public boolean pullsAlways() {
        return source.pulls() && !source.onDemand();
    }

    private Pattern pattern() {
        return COMPILED.computeIfAbsent(name, n -> Pattern.compile(n.substring(1)));
    }

    /** Whether this entry is a "~regex" entry. */
    public boolean isRegex() {
        return name.startsWith("~");
    }

    /** Whether this entry is the catch-all ("all_others" or "all"). */
    public boolean isCatchAll() {
        return name.equals(ALL_OTHERS) || name.equals(ALL);
    }

    /**
     * Whether a stream path name falls under this entry. Regexes use find(), as mediamtx does, so
     * anchor them with ^...$ to match whole names.
     */
    public boolean matches(String pathName) {
        if (isCatchAll()) {
            return true;
        }
        if (isRegex()) {
            return pattern().matcher(pathName).find();
        }
        return name.equals(pathName);
    }

    static void checkName(String name) {
        if (name.startsWith("~")) {
            if (name.length() == 1) {
                throw new BadValue("empty regex", ACCEPTED_NAME);
            }
            try {
                Pattern.compile(name.substring(1));
            } catch (PatternSyntaxException e) {
                throw new BadValue("invalid regex: " + e.getDescription() + " near index " + e.getIndex(),
                        "~ followed by a java.util.regex pattern, e.g. ~^cam[0-9]+$");
            }
        } else {
            try {
                PathNames.check(name);
            } catch (PathNameException e) {
                throw new BadValue("invalid " + e.problem(), ACCEPTED_NAME);
            }
        }
    }

    @Override
    public String toString() {
        return "PathConf[name=" + name + ", publishUser=" + publishUser + ", publishPass=" + Redact.secret(publishPass)
                + ", readUser=" + readUser + ", readPass=" + Redact.secret(readPass)
                + ", srtPublishPassphrase=" + Redact.secret(srtPublishPassphrase)
                + ", srtReadPassphrase=" + Redact.secret(srtReadPassphrase) + ", srtLatencyMs=" + srtLatencyMs
                + ", forwardTargets=" + forwardTargets + ", publisherGrace=" + publisherGrace + ", maxReaders=" + maxReaders
                + ", source=" + source + ", hooks=" + hooks + ", overridePublisher=" + overridePublisher
                + ", fallback=" + Redact.text(fallback) + ", forwardGroups=" + forwardGroups + "]";
    }
}
