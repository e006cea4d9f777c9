package io.sluice.conf;

import java.util.List;
import java.util.Objects;

/**
 * LogConf is what Sluice logs and where; the level applies at once on reload, the destinations at start.
 *
 * @param level error, warn, info or debug (logLevel)
 * @param destinations where log lines go, mediamtx's logDestinations: stdout and/or file ("syslog" is
 *     accepted and warned about: Sluice does not log to syslog)
 * @param file the file that "file" appends to, logFile
 */
public record LogConf(String level, List<String> destinations, String file) {

    static final List<String> LEVELS = List.of("error", "warn", "info", "debug");
    static final String STDOUT = "stdout";
    static final String FILE = "file";
    static final String SYSLOG = "syslog";
    private static final String ACCEPTED_DESTINATIONS = "a list of stdout, file, syslog";

    static final Key<String> LEVEL = Key.of("logLevel", "info", v -> {
        String s = ConfNode.text(v);
        checkLevel(s);
        return s;
    });
    static final Key<List<String>> DESTINATIONS = Key.withReader("logDestinations", List.of(STDOUT),
            LogConf::readDestinations);
    static final Key<String> FILE_KEY = Key.string("logFile", "sluice.log");

    static final KeyTable<LogConf> KEYS = new KeyTable<>(List.of(LEVEL, DESTINATIONS, FILE_KEY), LEVEL,
            v -> new LogConf(v.get(LEVEL), v.get(DESTINATIONS), v.get(FILE_KEY)));

    public static final LogConf DEFAULT = KEYS.defaults();

    public LogConf {
        checkLevel(Objects.requireNonNull(level, "level"));
        destinations = List.copyOf(destinations);
        destinations.forEach(LogConf::checkDestination);
        Objects.requireNonNull(file, "file");
        if (destinations.contains(FILE) && file.isBlank()) {
            throw new BadValue("logDestinations has file but logFile is empty", "a file name in logFile");
        }
    }

    /** Whether log lines go to standard output. */
    public boolean toStdout() {
        return destinations.contains(STDOUT);
    }

    /** Whether log lines are appended to {@link #file()}. */
    public boolean toFile() {
        return destinations.contains(FILE);
    }

    static void checkLevel(String level) {
        if (!LEVELS.contains(level)) {
            throw new BadValue("unknown log level '" + level + "'", String.join(", ", LEVELS));
        }
    }

    private static void checkDestination(String d) {
        if (!List.of(STDOUT, FILE, SYSLOG).contains(d)) {
            throw new BadValue("unknown log destination '" + d + "'", "stdout, file, syslog");
        }
    }

    /** The list as written; syslog is kept (and warned about), so a reload that drops it changes nothing else. */
    private static List<String> readDestinations(ConfNode n, String key, List<String> def) {
        if (!n.has(key)) {
            return def;
        }
        List<String> out = n.strings(key, ACCEPTED_DESTINATIONS, LogConf::checkDestination);
        if (out.contains(SYSLOG)) {
            n.problems().warn(n.keyPath(key), "syslog — Sluice does not log to syslog; use stdout (journald"
                    + " takes a service's stdout) or file");
        }
        return out;
    }
}
