package io.sluice.conf;

import java.util.ArrayList;
import java.util.List;

/** Problems collects every error of one config source so the user can fix them all in one go. */
final class Problems {

    private final String source;
    private final List<String> list = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    void add(String keyPath, String what, String accepted) {
        list.add(source + ": " + (keyPath.isEmpty() ? "(top level)" : keyPath) + ": " + what + "; accepted: " + accepted);
    }

    void add(String keyPath, BadValue e) {
        add(keyPath, e.what(), e.accepted());
    }

    int size() {
        return list.size();
    }

    void throwIfAny() throws ConfException {
        if (!list.isEmpty()) {
            throw new ConfException(list);
        }
    }
}
