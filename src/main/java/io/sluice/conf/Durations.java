package io.sluice.conf;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations parses and formats the duration strings of the config ("10s", "500ms", "1h30m"). */
public final class Durations {

    static final String ACCEPTED =
            "integer seconds or <n><unit>... with units ms, s, m, h, d (e.g. 500ms, 10s, 1m, 1h30m, 1d)";

    // One number+unit group; "ms" must come before "m" so that "500ms" is not read as 500 minutes + "s".
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses "10s", "500ms", "1m", "2h", "1d", "1h30m", or a plain integer meaning seconds.
     *
     * @throws IllegalArgumentException naming the bad text and the accepted forms
     */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.matches("\\d{1,12}")) {
            return Duration.ofSeconds(Long.parseLong(s));
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < s.length() && m.region(at, s.length()).lookingAt()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> throw new IllegalStateException(m.group(2));
            });
            at = m.end();
        }
        if (s.isEmpty() || at != s.length()) {
            throw new BadValue("invalid duration '" + s + "'", ACCEPTED);
        }
        return total;
    }

    /** Formats d in the shortest form {@link #parse} reads back, e.g. "1h30m", "500ms", "0s". */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long ms = d.toMillis();
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms >= sizes[i]) {
                b.append(ms / sizes[i]).append(units[i]);
                ms %= sizes[i];
            }
        }
        return b.toString();
    }
}
