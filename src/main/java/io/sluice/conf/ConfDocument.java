package io.sluice.conf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * ConfDocument is a configuration as written (the YAML tree) together with what it means ({@link Conf}).
 *
 * <p>Changes made at run time (the HTTP API) edit the tree and read it again with {@link ConfLoader}, so
 * they are checked by exactly the rules, and reported with exactly the messages, of the file. Saving
 * writes the tree back as YAML: values and order are kept, comments are not. Immutable: every change
 * returns a new document, and a refused change leaves the running one as it was.
 */
public final class ConfDocument {

    /** Keys whose values are secrets: masked in every redacted view. */
    static final Set<String> SECRET_KEYS = Set.of("pass", "password", "publishPass", "readPass",
            "srtPublishPassphrase", "srtReadPassphrase", "passphrase", "token", "whipBearerToken", "whepBearerToken");
    /** Keys whose values are URLs that may carry credentials (source and the auth URLs: mediamtx's keys). */
    static final Set<String> URL_KEYS = Set.of("url", "dest", "source", "authHTTPAddress", "authJWTJWKS");
    private static final Pattern ICE_CREDENTIALS = Pattern.compile("^(turns?):[^@]*@");

    private final ObjectNode tree;
    private final Conf conf;
    private final Path file;
    private final List<String> warnings;

    private ConfDocument(ObjectNode tree, Conf conf, Path file, List<String> warnings) {
        this.tree = tree;
        this.conf = conf;
        this.file = file;
        this.warnings = List.copyOf(warnings);
    }

    /** Reads a file; problems start with the file's path. */
    public static ConfDocument load(Path file) throws ConfException {
        return parse(ConfLoader.read(file), file.toString(), file);
    }

    /** Parses YAML that did not come from a file the server may write (the embedded default, tests). */
    public static ConfDocument parse(String yaml, String sourceName) throws ConfException {
        return parse(yaml, sourceName, null);
    }

    private static ConfDocument parse(String yaml, String sourceName, Path file) throws ConfException {
        JsonNode root = ConfLoader.readTree(yaml, sourceName);
        List<String> warnings = new ArrayList<>();
        Conf conf = ConfLoader.fromTree(root, sourceName, warnings); // only reads the tree
        ObjectNode tree = root != null && root.isObject() ? (ObjectNode) root : ConfLoader.MAPPER.createObjectNode();
        return new ConfDocument(tree, conf, file, warnings);
    }

    /** The embedded sluice.yml: every default, no file to save to or watch. */
    public static ConfDocument embedded() {
        try {
            return parse(ConfLoader.embeddedYaml(), ConfLoader.EMBEDDED_SOURCE);
        } catch (ConfException e) {
            throw new IllegalStateException("embedded " + ConfLoader.EMBEDDED + " is broken: " + e.getMessage(), e);
        }
    }

    public Conf conf() {
        return conf;
    }

    /**
     * One line per key that loads but does not act as written (a mediamtx key Sluice does not implement, set
     * to a value other than mediamtx's default): the key path, the value, what Sluice does instead. Logged
     * at WARN at start and at each reload; empty for a stock mediamtx.yml.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** The file this document was loaded from; empty for the embedded default. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    // ---- views ----

    /** The document as YAML; with {@code redacted}, secrets and URL credentials are masked. */
    public String yaml(boolean redacted) {
        return ConfLoader.MAPPER.writeValueAsString(redacted ? redact(tree.deepCopy()) : tree);
    }

    /** The document as maps and lists, secrets masked. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> redactedTree() {
        return ConfLoader.MAPPER.convertValue(redact(tree.deepCopy()), LinkedHashMap.class);
    }

    private static JsonNode redact(JsonNode n) {
        if (n instanceof ObjectNode o) {
            for (String k : List.copyOf(o.propertyNames())) {
                JsonNode v = o.get(k);
                if (SECRET_KEYS.contains(k) && v.isString() && !v.asString().isEmpty()) {
                    o.put(k, Redact.MASK);
                } else if (URL_KEYS.contains(k) && v.isString()) {
                    o.put(k, Redact.url(v.asString()));
                } else if ((k.equals("iceServers") || k.equals("webrtcICEServers")) && v instanceof ArrayNode a) {
                    for (int i = 0; i < a.size(); i++) {
                        if (a.get(i).isString()) {
                            a.set(i, StringNode.valueOf(
                                    ICE_CREDENTIALS.matcher(a.get(i).asString()).replaceFirst("$1:" + Redact.MASK + "@")));
                        }
                    }
                } else {
                    redact(v);
                }
            }
        } else if (n instanceof ArrayNode a) {
            for (JsonNode e : a) {
                redact(e);
            }
        }
        return n;
    }

    // ---- changes ----

    /**
     * Adds one target to a path entry. Without an id in the body, the derived one is written into the
     * entry, so that it stays the target's id whatever later changes do to its URL.
     *
     * @return the new document and the target's id
     */
    public Added withTarget(String pathEntry, Map<String, Object> body, String source) throws ConfException {
        ObjectNode next = tree.deepCopy();
        ObjectNode entry = existingPath(next, pathEntry, source);
        ArrayNode list = entry.get("forwardTargets") instanceof ArrayNode a ? a : entry.putArray("forwardTargets");
        ObjectNode target = object(body, source);
        list.add(target);
        Conf c = ConfLoader.fromTree(next, source);
        List<ForwardDest> targets = c.pathEntry(pathEntry).forwardTargets();
        int index = list.size() - 1;
        String id = targets.get(index).id();
        if (!target.has("id")) {
            // put it first, where people write it: rebuild the node with id in front
            ObjectNode ordered = next.objectNode();
            ordered.put("id", id);
            for (String k : target.propertyNames()) {
                ordered.set(k, target.get(k));
            }
            list.set(index, ordered);
        }
        return new Added(reread(next, source), id);
    }

    /** A changed document and the id of the target the change made. */
    public record Added(ConfDocument document, String id) {
    }

    /**
     * Merges a patch into one target (a null value removes a key). The target's id is pinned in its
     * entry first, so that a new URL does not give it a new derived id.
     */
    public ConfDocument withTargetPatched(String pathEntry, String id, Map<String, Object> patch, String source)
            throws ConfException {
        ObjectNode next = tree.deepCopy();
        ObjectNode target = targetNode(next, pathEntry, id, source);
        ObjectNode p = object(patch, source);
        if (p.has("id") && !id.equals(p.get("id").asString(""))) {
            throw new ConfException(List.of(source + ": id: cannot be changed (delete the target and add it again)"));
        }
        if (!target.has("id")) {
            target.put("id", id);
        }
        merge(target, p);
        return reread(next, source);
    }

    public ConfDocument withoutTarget(String pathEntry, String id, String source) throws ConfException {
        ObjectNode next = tree.deepCopy();
        ObjectNode entry = existingPath(next, pathEntry, source);
        Location at = locate(entry, pathEntry, id, source);
        ((ArrayNode) entry.get(at.list())).remove(at.index());
        return reread(next, source);
    }

    /**
     * Adds a path entry. When the document has no paths yet (which means every path may be published),
     * "all_others" is added along with it, so that adding one entry does not shut every other path out.
     */
    public ConfDocument withPath(String name, Map<String, Object> body, String source) throws ConfException {
        ObjectNode next = tree.deepCopy();
        ObjectNode paths = next.get("paths") instanceof ObjectNode o ? o : next.putObject("paths");
        if (paths.has(name)) {
            throw new ConfException(List.of(source + ": paths." + name + ": already exists"));
        }
        boolean first = paths.isEmpty();
        paths.set(name, object(body, source));
        if (first && !name.equals(PathConf.ALL_OTHERS) && !name.equals(PathConf.ALL)) {
            paths.putObject(PathConf.ALL_OTHERS);
        }
        return reread(next, source);
    }

    public ConfDocument withPathPatched(String name, Map<String, Object> patch, String source) throws ConfException {
        ObjectNode next = tree.deepCopy();
        ObjectNode entry = existingPath(next, name, source);
        merge(entry, object(patch, source));
        return reread(next, source);
    }

    public ConfDocument withoutPath(String name, String source) throws ConfException {
        ObjectNode next = tree.deepCopy();
        existingPath(next, name, source);
        ((ObjectNode) next.get("paths")).remove(name);
        return reread(next, source);
    }

    /** Merges a patch into the top-level keys; paths are changed through the path methods only. */
    public ConfDocument withGlobalPatched(Map<String, Object> patch, String source) throws ConfException {
        ObjectNode next = tree.deepCopy();
        ObjectNode p = object(patch, source);
        if (p.has("paths")) {
            throw new ConfException(List.of(source + ": paths: not a global setting (use the paths endpoints)"));
        }
        merge(next, p);
        return reread(next, source);
    }

    /**
     * Writes the document over its file, keeping the previous content as FILE.bak; the write goes to a
     * temporary file first and replaces the file in one rename, so a crash never leaves half a config.
     */
    public Path save() throws IOException {
        if (file == null) {
            throw new IOException("running on the embedded default configuration: no file to save to "
                    + "(start Sluice with a configuration file)");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (Files.exists(file)) {
            Files.copy(file, dir.resolve(file.getFileName() + ".bak"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, "# written by Sluice (POST /v3/config/save); comments of the previous file are in "
                    + file.getFileName() + ".bak\n" + yaml(false), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    // ---- helpers ----

    private ConfDocument reread(ObjectNode next, String source) throws ConfException {
        List<String> w = new ArrayList<>();
        Conf c = ConfLoader.fromTree(next, source, w);
        return new ConfDocument(next, c, file, w);
    }

    private static ObjectNode object(Map<String, Object> body, String source) throws ConfException {
        JsonNode n;
        try {
            n = ConfLoader.MAPPER.valueToTree(body);
        } catch (JacksonException e) {
            throw new ConfException(source + ": body: " + e.getOriginalMessage(), e);
        }
        if (!(n instanceof ObjectNode o)) {
            throw new ConfException(List.of(source + ": body: wrong type: expected a mapping of keys"));
        }
        return o;
    }

    private static ObjectNode existingPath(ObjectNode root, String name, String source) throws ConfException {
        if (root.get("paths") instanceof ObjectNode paths && paths.get(name) instanceof ObjectNode entry) {
            return entry;
        }
        if (root.get("paths") instanceof ObjectNode paths && paths.has(name)) {
            // "name:" with no value: an entry with every default; make it a mapping to edit it
            return paths.putObject(name);
        }
        throw new ConfException(List.of(source + ": paths." + name + ": no such path entry"));
    }

    /** Where a target's entry is: "forwardTargets" or "forward", and the index in that list. */
    private record Location(String list, int index) {
    }

    /** @param entry the path entry's mapping in the tree being edited */
    private Location locate(ObjectNode entry, String pathEntry, String id, String source) throws ConfException {
        PathConf pc = conf.pathEntry(pathEntry);
        if (pc == null) {
            throw new ConfException(List.of(source + ": paths." + pathEntry + ": no such path entry"));
        }
        List<ForwardDest> targets = pc.forwardTargets();
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).id().equals(id)) {
                int first = entry.get("forwardTargets") instanceof ArrayNode a ? a.size() : 0;
                return i < first ? new Location("forwardTargets", i) : new Location("forward", i - first);
            }
        }
        throw new ConfException(List.of(source + ": paths." + pathEntry + ": no target with id '" + id + "'"));
    }

    private ObjectNode targetNode(ObjectNode root, String pathEntry, String id, String source) throws ConfException {
        ObjectNode entry = existingPath(root, pathEntry, source);
        Location at = locate(entry, pathEntry, id, source);
        return (ObjectNode) entry.get(at.list()).get(at.index());
    }

    /** JSON merge patch (RFC 7396): objects merge key by key, null removes, anything else replaces. */
    private static void merge(ObjectNode into, ObjectNode patch) {
        for (String k : new ArrayList<>(patch.propertyNames())) {
            JsonNode v = patch.get(k);
            if (v.isNull()) {
                into.remove(k);
            } else if (v instanceof ObjectNode po && into.get(k) instanceof ObjectNode io) {
                merge(io, po);
            } else {
                into.set(k, v.deepCopy());
            }
        }
    }
}
