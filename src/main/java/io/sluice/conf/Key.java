package io.sluice.conf;

import java.time.Duration;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Key is one key of the configuration file, at the top level or in a path entry: its name as written, its
 * default, how a written value is read and checked, and whether Sluice acts on it. The top-level keys of one
 * component are the rows of its {@link KeyTable}, next to the record they fill (a path entry's are listed in
 * {@link PathConf}), so a new setting is a row there, a component of that record and its line in sluice.yml
 * (ReferenceFileTest keeps the file and the definitions in step).
 *
 * @param name as written in the file, e.g. "rtspAddress"
 * @param def the value when the file leaves the key out (or writes null)
 * @param reader reads and checks a written value; a wrong one is reported with the key path
 * @param olderName an older mediamtx name read as the same setting ("" for none)
 * @param support whether the key takes effect
 */
record Key<T>(String name, T def, Reader<T> reader, String olderName, Support support) {

    /** Whether Sluice acts on a key. */
    enum Support {
        /** Read into a record and used. */
        USED,
        /**
         * A mediamtx key that Sluice loads but does not implement ({@link MediamtxKeys}): a value other than
         * mediamtx's default is a warning; it is not listed among the accepted keys of an "unknown key" error.
         */
        IGNORED
    }

    /** Reads one key of a mapping: absent or null gives def; a wrong value is reported and gives def. */
    interface Reader<T> {
        T read(ConfNode n, String key, T def);
    }

    /** A key whose value is one YAML node; value throws {@link BadValue} for a wrong one. */
    static <T> Key<T> of(String name, T def, Function<JsonNode, T> value) {
        return new Key<>(name, def, (n, k, d) -> n.get(k, d, value), "", Support.USED);
    }

    /** A key read by hand (lists whose elements are reported one by one). */
    static <T> Key<T> withReader(String name, T def, Reader<T> reader) {
        return new Key<>(name, def, reader, "", Support.USED);
    }

    /**
     * mediamtx's switch of a server ("rtsp: no"): off, the server's listeners are not bound. Sluice's default
     * is on for every server, also the API and metrics, which mediamtx defaults to off (see sluice.yml).
     */
    static Key<Boolean> toggle(String name) {
        return of(name, true, ConfNode::bool);
    }

    static Key<String> string(String name, String def) {
        return of(name, def, ConfNode::text);
    }

    static Key<String> address(String name, String def) {
        return of(name, def, v -> Addresses.check(ConfNode.text(v)));
    }

    /** A duration that must be above zero. */
    static Key<Duration> positive(String name, Duration def) {
        return of(name, def, v -> {
            Duration t = ConfNode.duration(v);
            ForwardDest.checkPositive(t);
            return t;
        });
    }

    /** A mediamtx key that Sluice accepts and ignores; check, when not null, refuses values it cannot honour. */
    static Key<Void> ignored(String name, Function<JsonNode, Void> check) {
        return new Key<>(name, null, check == null ? (n, k, d) -> d : (n, k, d) -> n.get(k, d, check), "",
                Support.IGNORED);
    }

    /**
     * This key, also read under its older mediamtx name; writing both names with different values is an
     * error, since one would silently win.
     */
    Key<T> withOlderName(String older) {
        Reader<T> newer = reader;
        return new Key<>(name, def, (n, key, d) -> {
            T value = newer.read(n, key, d);
            if (!n.has(older)) {
                return value;
            }
            T old = newer.read(n, older, d);
            if (n.has(key) && !old.equals(value)) {
                n.problems().add(n.keyPath(older), "'" + older + "' (the older name of " + key + ") says '"
                        + shown(old) + "' but " + key + " says '" + shown(value) + "'",
                        "only " + key + ", or both with one value");
                return value;
            }
            return old;
        }, older, support);
    }

    T read(ConfNode n) {
        return reader.read(n, name, def);
    }

    /** The YAML word of a boolean (a bare no/yes in YAML 1.1 readers), anything else as text. */
    static String word(JsonNode v) {
        return v.isBoolean() ? Boolean.toString(v.booleanValue()) : ConfNode.text(v);
    }

    private static String shown(Object v) {
        return v instanceof Encryption e ? e.yaml() : v.toString();
    }
}
