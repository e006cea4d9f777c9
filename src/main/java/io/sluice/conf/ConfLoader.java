package io.sluice.conf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * ConfLoader reads the YAML config into a {@link Conf}, walking the tree by hand so that every
 * problem is reported with its key path, not only the first one.
 */
public final class ConfLoader {

    /** Name of the embedded default config on the classpath, also the reference of every key. */
    static final String EMBEDDED = "sluice.yml";

    /**
     * mediamtx keys Sluice loads without implementing them: the table of {@link MediamtxKeys} (a value other
     * than mediamtx's default warns), and authMethod, whose only accepted value is the one Sluice implements.
     */
    static final List<Key<Void>> IGNORED_MEDIAMTX_KEYS = Stream.concat(MediamtxKeys.TOP.stream(),
            Stream.of(Key.ignored("authMethod", v -> {
                // a file asking for HTTP or JWT authentication must not silently run with authInternalUsers'
                // open default instead
                String s = ConfNode.text(v);
                if (!s.strip().equals("internal")) {
                    throw new BadValue("authMethod '" + s + "' is not supported", "internal (authInternalUsers)");
                }
                return null;
            }))).toList();

    /** Each component's keys, in the order the "unknown key" message lists them; then paths. */
    static final List<KeyTable<?>> TABLES = List.of(LogConf.KEYS, RtspConf.KEYS, RtmpConf.KEYS, SrtConf.KEYS,
            WebrtcServerConf.KEYS, HttpServerConf.API, HttpServerConf.METRICS, IoConf.KEYS, GopCacheConf.KEYS,
            LimitsConf.KEYS, AuthConf.KEYS, ConnHooksConf.KEYS);

    static final String PATHS = "paths";
    /** mediamtx's settings of every path entry, overridden key by key by the entry's own. */
    static final String PATH_DEFAULTS = "pathDefaults";
    /** The name pathDefaults is checked under: an exact name, so that rules of regex entries do not apply. */
    private static final String DEFAULTS_CHECK_NAME = "pathDefaults";

    /** Every top-level key but paths: the components' keys, then the ignored mediamtx keys. */
    static final List<Key<?>> TOP = Stream.concat(TABLES.stream().flatMap(t -> t.keys().stream()),
            IGNORED_MEDIAMTX_KEYS.stream()).toList();

    /** The top-level keys Sluice reads, as the "unknown key" message lists them. */
    static final List<String> TOP_KEYS = Stream.concat(TOP.stream().filter(k -> k.support() == Key.Support.USED)
            .map(Key::name), Stream.of(PATH_DEFAULTS, PATHS)).toList();

    /** Accepted at the top level besides TOP_KEYS: the ignored mediamtx keys and older names of known keys. */
    private static final Set<String> TOP_IGNORED_OR_ALIASED = Stream.concat(
            TOP.stream().filter(k -> k.support() == Key.Support.IGNORED).map(Key::name),
            TOP.stream().map(Key::olderName).filter(n -> !n.isEmpty())).collect(Collectors.toUnmodifiableSet());

    /** The keys of a path entry, as the "unknown key" message lists them. */
    private static final List<String> PATH_KEYS = PathConf.KEYS.stream().map(Key::name).toList();

    /** Accepted in a path entry besides its keys. */
    private static final Set<String> PATH_IGNORED = MediamtxKeys.PATH.stream().map(Key::name)
            .collect(Collectors.toUnmodifiableSet());

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
        return fromTree(root, sourceName, new ArrayList<>());
    }

    /**
     * Reads a parsed YAML (or JSON) tree and adds its warnings (keys that load but do not act as written,
     * {@link MediamtxKeys}) to warnings; sourceName starts every problem and warning.
     */
    static Conf fromTree(JsonNode root, String sourceName, List<String> warnings) throws ConfException {
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
        warnings.addAll(problems.warnings());
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
        n.checkKeys(TOP_KEYS, TOP_IGNORED_OR_ALIASED);
        IGNORED_MEDIAMTX_KEYS.forEach(k -> k.read(n));
        try {
            return new Conf(LogConf.KEYS.read(n), RtspConf.KEYS.read(n), RtmpConf.KEYS.read(n), SrtConf.KEYS.read(n),
                    WebrtcServerConf.KEYS.read(n), HttpServerConf.API.read(n), HttpServerConf.METRICS.read(n),
                    IoConf.KEYS.read(n), GopCacheConf.KEYS.read(n), LimitsConf.KEYS.read(n), AuthConf.KEYS.read(n),
                    ConnHooksConf.KEYS.read(n), paths(n));
        } catch (BadValue e) {
            n.problems().add("", e); // the reads above check the same rules, so this means a bug there
            return null;
        }
    }

    /**
     * The path entries, each read over pathDefaults (mediamtx's merge: a key the entry writes replaces the
     * default's, lists and mappings whole). A key written in pathDefaults warns once, there, not in every entry.
     */
    private static List<PathConf> paths(ConfNode n) {
        ObjectNode defaults = pathDefaults(n);
        ConfNode paths = n.object(PATHS);
        if (paths == null || paths.keys().isEmpty()) {
            // like mediamtx: no paths written means every path is allowed
            if (defaults == null) {
                return Conf.DEFAULT.paths();
            }
            try {
                return List.of(PathConf.read(PathConf.ALL_OTHERS, new ConfNode(defaults, PATH_DEFAULTS, n.problems())));
            } catch (BadValue e) {
                n.problems().add(PATH_DEFAULTS, e); // e.g. a source without sourceOnDemand for every path
                return Conf.DEFAULT.paths();
            }
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
            p.checkKeys(PATH_KEYS, PATH_IGNORED);
            MediamtxKeys.PATH.forEach(k -> k.read(p));
            ConfNode merged = defaults == null ? p : p.over(defaults);
            try {
                out.add(PathConf.read(name, merged));
            } catch (BadValue e) {
                n.problems().add(keyPath, e);
            }
        }
        return out;
    }

    /**
     * pathDefaults checked as an entry of its own (its problems and warnings are reported at pathDefaults.KEY);
     * null when it is absent, empty, or has a problem (which is reported, so entries are read without it).
     */
    private static ObjectNode pathDefaults(ConfNode n) {
        ConfNode d = n.object(PATH_DEFAULTS);
        if (d == null || d.keys().isEmpty()) {
            return null;
        }
        int before = n.problems().size();
        d.checkKeys(PATH_KEYS, PATH_IGNORED);
        MediamtxKeys.PATH.forEach(k -> k.read(d));
        try {
            // checked as an exact entry would be: a pulled source in pathDefaults is fine for exact paths
            PathConf.read(DEFAULTS_CHECK_NAME, d);
        } catch (BadValue e) {
            n.problems().add(PATH_DEFAULTS, e);
        }
        return n.problems().size() == before ? d.objectNode() : null;
    }
}
