package io.sluice.conf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * ConfNode is one YAML mapping of the config being walked, with its key path. Every typed read
 * reports a problem and returns the default on error, so the walk goes on and finds the rest.
 */
final class ConfNode {

    static final String ACCEPTED_BOOL = "yes, no, true, false";

    private final JsonNode node;
    private final String path;
    private final Problems problems;

    ConfNode(JsonNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    Problems problems() {
        return problems;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The keys of this mapping in file order. */
    List<String> keys() {
        return List.copyOf(node.propertyNames());
    }

    /**
     * Reports keys that are neither in known nor in ignored. The accepted keys are listed once per
     * mapping, at its first unknown key; the next ones point back to it.
     */
    void checkKeys(List<String> known, Set<String> ignored) {
        String first = null;
        for (String key : node.propertyNames()) {
            if (!known.contains(key) && !ignored.contains(key)) {
                problems.add(keyPath(key), "unknown key",
                        first == null ? String.join(", ", known) : "as listed for " + first);
                if (first == null) {
                    first = keyPath(key);
                }
            }
        }
    }

    /**
     * This mapping read over defaults: each key written here replaces the default's whole (mediamtx's
     * pathDefaults merge); problems keep this mapping's key paths.
     */
    ConfNode over(ObjectNode defaults) {
        ObjectNode merged = defaults.deepCopy();
        node.propertyNames().forEach(k -> merged.set(k, node.get(k)));
        return new ConfNode(merged, path, problems);
    }

    /** The mapping itself (a copy), e.g. to merge it under others. */
    ObjectNode objectNode() {
        return (ObjectNode) node.deepCopy();
    }

    /** The YAML node of key, or null when absent. */
    JsonNode raw(String key) {
        return node.get(key);
    }

    /** Whether key is written with a non-null value. */
    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /**
     * Reads key with read, which throws BadValue for a wrong value; absent and null give def.
     */
    <T> T get(String key, T def, Function<JsonNode, T> read) {
        if (!has(key)) {
            return def;
        }
        try {
            return read.apply(node.get(key));
        } catch (BadValue e) {
            problems.add(keyPath(key), e);
            return def;
        }
    }

    String string(String key, String def) {
        return get(key, def, ConfNode::text);
    }

    boolean bool(String key, boolean def) {
        return get(key, def, ConfNode::bool);
    }

    Duration duration(String key, Duration def) {
        return get(key, def, ConfNode::duration);
    }

    /** The mapping under key; an empty one when absent or null, null (reported) when not a mapping. */
    ConfNode object(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return new ConfNode(JsonNodeFactory.instance.objectNode(), keyPath(key), problems);
        }
        if (!v.isObject()) {
            problems.add(keyPath(key), "wrong type: expected a mapping, got " + describe(v), "a mapping of keys");
            return null;
        }
        return new ConfNode(v, keyPath(key), problems);
    }

    /** The elements of the list under key with their key paths; empty when absent, null or not a list (reported). */
    List<Element> list(String key, String accepted) {
        JsonNode v = node.get(key);
        List<Element> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            problems.add(keyPath(key), "wrong type: expected a list, got " + describe(v), accepted);
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(new Element(v.get(i), keyPath(key) + "[" + i + "]"));
        }
        return out;
    }

    /**
     * The strings of the list under key, each checked by check (which throws {@link BadValue}) and reported
     * at its own index; empty when absent, null or not a list (reported).
     */
    List<String> strings(String key, String accepted, Consumer<String> check) {
        List<String> out = new ArrayList<>();
        for (Element e : list(key, accepted)) {
            try {
                String s = text(e.node());
                check.accept(s);
                out.add(s);
            } catch (BadValue b) {
                problems.add(e.path(), b);
            }
        }
        return out;
    }

    /** One list element and its key path, e.g. "paths.cam1.forwardTargets[2]". */
    record Element(JsonNode node, String path) {
    }

    /** A mapping list element as a ConfNode, or null (reported) when it is not a mapping. */
    ConfNode mapping(Element e, String accepted) {
        if (!e.node().isObject()) {
            problems.add(e.path(), "wrong type: expected a mapping, got " + describe(e.node()), accepted);
            return null;
        }
        return new ConfNode(e.node(), e.path(), problems);
    }

    // Numbers are accepted as strings because YAML turns an unquoted password like 1234 into one.
    static String text(JsonNode v) {
        if (v.isString() || v.isNumber()) {
            return v.asString();
        }
        throw new BadValue("wrong type: expected a string, got " + describe(v), "a string");
    }

    // YAML 1.2 (snakeyaml-engine) reads yes/no as strings; mediamtx configs use them, so accept both forms.
    static boolean bool(JsonNode v) {
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isString()) {
            switch (v.stringValue().toLowerCase(Locale.ROOT)) {
                case "yes", "true" -> {
                    return true;
                }
                case "no", "false" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        throw new BadValue("wrong type: expected a boolean, got " + describe(v), ACCEPTED_BOOL);
    }

    static int integer(JsonNode v, String accepted) {
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        throw new BadValue("wrong type: expected an integer, got " + describe(v), accepted);
    }

    static Duration duration(JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() >= 0) {
            return Duration.ofSeconds(v.longValue());
        }
        if (v.isString()) {
            return Durations.parse(v.stringValue());
        }
        throw new BadValue("wrong type: expected a duration, got " + describe(v), Durations.ACCEPTED);
    }

    static String describe(JsonNode v) {
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isString()) {
            return "string '" + v.stringValue() + "'";
        }
        if (v.isNull()) {
            return "null";
        }
        return v.getNodeType().name().toLowerCase(Locale.ROOT) + " " + v.asString();
    }
}
