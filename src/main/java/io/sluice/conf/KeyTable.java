package io.sluice.conf;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * KeyTable is the definition of one component's settings: the top-level keys it is read from (name,
 * default, reader) and how their values make its record. The same table gives the record's defaults,
 * reads it from a file with every problem named by its key path, and lists its keys for the "unknown key"
 * message and the reference-file test; the record's equality then decides on reload whether the
 * component restarts (core.ConfChanges).
 *
 * @param <R> the component's record
 */
final class KeyTable<R> {

    /** The values of a table's keys, as the record is built from them. */
    interface Values {
        <T> T get(Key<T> key);
    }

    private final List<Key<?>> keys;
    private final Key<?> reportAt;
    private final Function<Values, R> build;

    /**
     * @param reportAt the key whose path a problem of the record as a whole (a check that spans keys, such
     *     as encryption without a certificate) is reported at
     * @param build makes the record; its compact constructor checks what spans keys
     */
    KeyTable(List<Key<?>> keys, Key<?> reportAt, Function<Values, R> build) {
        this.keys = List.copyOf(keys);
        this.reportAt = reportAt;
        this.build = build;
    }

    List<Key<?>> keys() {
        return keys;
    }

    /** The record with every key at its default. */
    R defaults() {
        Map<Key<?>, Object> values = new IdentityHashMap<>();
        keys.forEach(k -> values.put(k, k.def()));
        return build.apply(new Table(values));
    }

    /** Reads the record from a mapping; on a problem (reported) it returns the defaults, so the walk goes on. */
    R read(ConfNode n) {
        int before = n.problems().size();
        Map<Key<?>, Object> values = new IdentityHashMap<>();
        keys.forEach(k -> values.put(k, k.read(n)));
        if (n.problems().size() != before) {
            return defaults();
        }
        try {
            return build.apply(new Table(values));
        } catch (BadValue e) {
            n.problems().add(n.keyPath(reportAt.name()), e);
            return defaults();
        }
    }

    private record Table(Map<Key<?>, Object> values) implements Values {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T get(Key<T> key) {
            if (!values.containsKey(key)) {
                throw new IllegalStateException(key.name() + " is not a row of this table");
            }
            return (T) values.get(key);
        }
    }
}
