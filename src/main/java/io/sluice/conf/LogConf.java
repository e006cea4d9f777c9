package io.sluice.conf;

import java.util.List;
import java.util.Objects;

/**
 * LogConf is how much Sluice logs; a change applies at once, without restarting anything.
 *
 * @param level error, warn, info or debug (logLevel)
 */
public record LogConf(String level) {

    static final List<String> LEVELS = List.of("error", "warn", "info", "debug");

    static final Key<String> LEVEL = Key.of("logLevel", "info", v -> {
        String s = ConfNode.text(v);
        checkLevel(s);
        return s;
    });

    static final KeyTable<LogConf> KEYS = new KeyTable<>(List.of(LEVEL), LEVEL, v -> new LogConf(v.get(LEVEL)));

    public static final LogConf DEFAULT = KEYS.defaults();

    public LogConf {
        checkLevel(Objects.requireNonNull(level, "level"));
    }

    static void checkLevel(String level) {
        if (!LEVELS.contains(level)) {
            throw new BadValue("unknown log level '" + level + "'", String.join(", ", LEVELS));
        }
    }
}
