package io.sluice.conf;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * ForwardCondition is a target's {@code when:}: it forwards only while every condition written holds,
 * evaluated live (a target whose condition turns false stops, and starts again at a keyframe when it
 * turns true).
 *
 * @param minReaders at least this many local readers on the path; 0 = no condition
 * @param from start of the daily window (server local time), null = no window
 * @param to end of the window (exclusive); a window may wrap midnight ("22:00-06:00")
 * @param codecs the stream has at least one track with one of these codecs; empty = no condition
 */
public record ForwardCondition(int minReaders, LocalTime from, LocalTime to, List<String> codecs) {

    public static final ForwardCondition ALWAYS = new ForwardCondition(0, null, null, List.of());
    static final List<String> KEYS = List.of("minReaders", "between", "codec");
    static final Set<String> CODECS = Set.of("H264", "H265", "AV1", "VP8", "VP9", "MPEG4_VIDEO", "MPEG4_AUDIO",
            "MPEG4_AUDIO_LATM", "OPUS", "G711_PCMU", "G711_PCMA", "G722", "MPEG1_AUDIO");
    static final String ACCEPTED_CODECS = "a codec name or a list of them: " + String.join(", ", CODECS.stream().sorted()
            .toList()) + " (AAC = MPEG4_AUDIO)";
    static final String ACCEPTED_BETWEEN = "HH:MM-HH:MM in the server's local time, e.g. 08:00-20:00 or 22:00-06:00";

    public ForwardCondition {
        if (minReaders < 0) {
            throw new BadValue("minReaders " + minReaders + " is negative", "an integer >= 0");
        }
        if ((from == null) != (to == null) || from != null && from.equals(to)) {
            throw new BadValue("incomplete or empty time window", ACCEPTED_BETWEEN);
        }
        codecs = List.copyOf(codecs);
        for (String c : codecs) {
            if (!CODECS.contains(c)) {
                throw new BadValue("unknown codec '" + c + "'", ACCEPTED_CODECS);
            }
        }
    }

    public boolean always() {
        return equals(ALWAYS);
    }

    /** Why the condition does not hold, or "" when it does. */
    public String unmet(int readers, LocalTime now, Set<String> streamCodecs) {
        if (readers < minReaders) {
            return "waiting for " + minReaders + " reader(s), path has " + readers;
        }
        if (from != null && !inWindow(now)) {
            return "outside " + from + "-" + to;
        }
        if (!codecs.isEmpty() && codecs.stream().noneMatch(streamCodecs::contains)) {
            return "stream has no " + String.join("/", codecs) + " track";
        }
        return "";
    }

    private boolean inWindow(LocalTime t) {
        return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
    }

    /** "08:00-20:00" → [from, to]. */
    static LocalTime[] parseBetween(String s) {
        String[] parts = Objects.requireNonNull(s).strip().split("\\s*-\\s*");
        if (parts.length != 2) {
            throw new BadValue("invalid window '" + s + "'", ACCEPTED_BETWEEN);
        }
        try {
            return new LocalTime[] {LocalTime.parse(parts[0]), LocalTime.parse(parts[1])};
        } catch (DateTimeParseException e) {
            throw new BadValue("invalid window '" + s + "'", ACCEPTED_BETWEEN);
        }
    }

    static String codec(String s) {
        String c = s.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        return c.equals("AAC") ? "MPEG4_AUDIO" : c;
    }

    @Override
    public String toString() {
        if (always()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (minReaders > 0) {
            b.append("minReaders ").append(minReaders);
        }
        if (from != null) {
            b.append(b.isEmpty() ? "" : ", ").append("between ").append(from).append('-').append(to);
        }
        if (!codecs.isEmpty()) {
            b.append(b.isEmpty() ? "" : ", ").append("codec ").append(String.join("/", codecs));
        }
        return b.toString();
    }
}
