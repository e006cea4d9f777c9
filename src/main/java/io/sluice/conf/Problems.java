package io.sluice.conf;

import java.util.ArrayList;
import java.util.List;

/**
 * Problems collects every error of one config source so the user can fix them all in one go, and the
 * warnings of the keys that load but do not act as written (mediamtx keys Sluice does not implement).
 */
final class Problems {

    private final String source;
    private final List<String> list = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    void add(String keyPath, String what, String accepted) {
        list.add(source + ": " + (keyPath.isEmpty() ? "(top level)" : keyPath) + ": " + what + "; accepted: " + accepted);
    }

    void add(String keyPath, BadValue e) {
        add(keyPath, e.what(), e.accepted());
    }

    /** A key that loads but does not act as written: keyPath, the value, and what Sluice does instead. */
    void warn(String keyPath, String what) {
        warnings.add(source + ": " + keyPath + ": " + what);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The number of errors (warnings do not count). */
    int size() {
        return list.size();
    }

    void throwIfAny() throws ConfException {
        if (!list.isEmpty()) {
            throw new ConfException(list);
        }
    }
}
