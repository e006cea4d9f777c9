package io.sluice.conf;

import java.time.Duration;
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
 * <p>The quality conditions (bitrate, picture size, frame rate) read the path's {@code QualityMeter}:
 * bitrate over its last 5 s, size from the SPS, frame rate from the SPS's VUI timing or measured. They
 * flicker, so a change of outcome must last {@link #hold} before the target starts or stops.
 *
 * @param minReaders at least this many local readers on the path; 0 = no condition
 * @param from start of the daily window (server local time), null = no window
 * @param to end of the window (exclusive); a window may wrap midnight ("22:00-06:00")
 * @param codecs the stream has at least one track with one of these codecs; empty = no condition
 * @param minBitrateKbps the path's incoming bitrate is at least this, kbit/s; 0 = no condition
 * @param maxBitrateKbps the path's incoming bitrate is at most this, kbit/s; 0 = no condition
 * @param minWidth the main video's width is at least this, pixels; 0 = no condition
 * @param minHeight the main video's height is at least this, pixels; 0 = no condition
 * @param minFps the main video's frame rate is at least this; 0 = no condition
 * @param hold how long the outcome must stay changed before the target starts or stops; null = the
 *     default ({@link #DEFAULT_QUALITY_HOLD} with a quality condition, none without)
 */
public record ForwardCondition(int minReaders, LocalTime from, LocalTime to, List<String> codecs,
        int minBitrateKbps, int maxBitrateKbps, int minWidth, int minHeight, double minFps, Duration hold) {

    /** The hold of a {@code when:} with a quality condition and no {@code hold:}. */
    public static final Duration DEFAULT_QUALITY_HOLD = Duration.ofSeconds(5);
    /** Longest hold accepted: past it a target would stay on a stale decision for most of an hour. */
    static final Duration MAX_HOLD = Duration.ofMinutes(10);
    /** Largest picture side accepted (H.264/H.265 levels stop at 8192; 16384 leaves room). */
    static final int MAX_SIDE = 16384;
    /** Highest bitrate limit accepted, kbit/s (10 Gbit/s). */
    static final int MAX_KBPS = 10_000_000;
    static final List<String> KEYS = List.of("minReaders", "between", "codec", "minBitrateKbps", "maxBitrateKbps",
            "minWidth", "minHeight", "minFps", "hold");
    static final Set<String> CODECS = Set.of("H264", "H265", "AV1", "VP8", "VP9", "MPEG4_VIDEO", "MPEG4_AUDIO",
            "MPEG4_AUDIO_LATM", "OPUS", "G711_PCMU", "G711_PCMA", "G722", "MPEG1_AUDIO");
    static final String ACCEPTED_CODECS = "a codec name or a list of them: " + String.join(", ", CODECS.stream().sorted()
            .toList()) + " (AAC = MPEG4_AUDIO)";
    static final String ACCEPTED_BETWEEN = "HH:MM-HH:MM in the server's local time, e.g. 08:00-20:00 or 22:00-06:00";
    static final String ACCEPTED_KBPS = "an integer 0.." + MAX_KBPS + " (kbit/s; 0 = no condition)";
    static final String ACCEPTED_SIDE = "an integer 0.." + MAX_SIDE + " (pixels; 0 = no condition)";
    static final String ACCEPTED_FPS = "a number 0..1000 (frames per second; 0 = no condition)";
    static final String ACCEPTED_HOLD = "a duration 0s.." + Durations.format(MAX_HOLD);
    /** No condition; after the constants its constructor reads. */
    public static final ForwardCondition ALWAYS = new ForwardCondition(0, null, null, List.of());

    /** The conditions of before the quality ones: no quality condition, default hold. */
    public ForwardCondition(int minReaders, LocalTime from, LocalTime to, List<String> codecs) {
        this(minReaders, from, to, codecs, 0, 0, 0, 0, 0, null);
    }

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
        checkKbps("minBitrateKbps", minBitrateKbps);
        checkKbps("maxBitrateKbps", maxBitrateKbps);
        if (minBitrateKbps > 0 && maxBitrateKbps > 0 && minBitrateKbps > maxBitrateKbps) {
            throw new BadValue("minBitrateKbps " + minBitrateKbps + " > maxBitrateKbps " + maxBitrateKbps
                    + ": no bitrate would do", "minBitrateKbps <= maxBitrateKbps");
        }
        checkSide("minWidth", minWidth);
        checkSide("minHeight", minHeight);
        checkFps(minFps);
        boolean quality = minBitrateKbps > 0 || maxBitrateKbps > 0 || minWidth > 0 || minHeight > 0 || minFps > 0;
        if (hold == null) {
            hold = quality ? DEFAULT_QUALITY_HOLD : Duration.ZERO;
        }
        checkHold(hold);
    }

    static void checkKbps(String key, int kbps) {
        if (kbps < 0 || kbps > MAX_KBPS) {
            throw new BadValue(key + " " + kbps + " is out of range", ACCEPTED_KBPS);
        }
    }

    static void checkSide(String key, int pixels) {
        if (pixels < 0 || pixels > MAX_SIDE) {
            throw new BadValue(key + " " + pixels + " is out of range", ACCEPTED_SIDE);
        }
    }

    static void checkFps(double fps) {
        if (!(fps >= 0 && fps <= 1000)) {
            throw new BadValue("minFps " + fps + " is out of range", ACCEPTED_FPS);
        }
    }

    static void checkHold(Duration hold) {
        if (hold.isNegative() || hold.compareTo(MAX_HOLD) > 0) {
            throw new BadValue("hold " + Durations.format(hold.abs()) + (hold.isNegative() ? " is negative"
                    : " is too long"), ACCEPTED_HOLD);
        }
    }

    public boolean always() {
        return minReaders == 0 && from == null && codecs.isEmpty() && !hasQuality();
    }

    /** Whether a condition reads the stream's quality figures (bitrate, size, frame rate). */
    public boolean hasQuality() {
        return minBitrateKbps > 0 || maxBitrateKbps > 0 || minWidth > 0 || minHeight > 0 || minFps > 0;
    }

    /** Why the reader, window and codec conditions do not hold, or "" when they do. */
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

    /**
     * Why the quality conditions do not hold, or "" when they do. A figure not known yet (bitrate in the
     * stream's first second, a size before the first SPS) fails the conditions that read it.
     *
     * @param bitrateKbps incoming bitrate, kbit/s, negative when not known yet
     * @param width main video width, 0 when not known
     * @param height main video height, 0 when not known
     * @param fps main video frame rate, 0 when not known
     */
    public String unmetQuality(double bitrateKbps, int width, int height, double fps) {
        if ((minBitrateKbps > 0 || maxBitrateKbps > 0) && bitrateKbps < 0) {
            return "measuring bitrate";
        }
        if (minBitrateKbps > 0 && bitrateKbps < minBitrateKbps) {
            return "bitrate " + (long) Math.floor(bitrateKbps) + " kbit/s < " + minBitrateKbps;
        }
        if (maxBitrateKbps > 0 && bitrateKbps > maxBitrateKbps) {
            return "bitrate " + (long) Math.ceil(bitrateKbps) + " kbit/s > " + maxBitrateKbps;
        }
        if ((minWidth > 0 || minHeight > 0) && (width <= 0 || height <= 0)) {
            return "picture size not known yet (no SPS)";
        }
        if (minWidth > 0 && width < minWidth) {
            return "width " + width + " < " + minWidth;
        }
        if (minHeight > 0 && height < minHeight) {
            return "height " + height + " < " + minHeight;
        }
        if (minFps > 0 && fps <= 0) {
            return "frame rate not known yet";
        }
        if (minFps > 0 && fps < minFps) {
            return String.format(Locale.ROOT, "frame rate %.1f < %s", fps, number(minFps));
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

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
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
            sep(b).append("between ").append(from).append('-').append(to);
        }
        if (!codecs.isEmpty()) {
            sep(b).append("codec ").append(String.join("/", codecs));
        }
        if (minBitrateKbps > 0) {
            sep(b).append("minBitrateKbps ").append(minBitrateKbps);
        }
        if (maxBitrateKbps > 0) {
            sep(b).append("maxBitrateKbps ").append(maxBitrateKbps);
        }
        if (minWidth > 0) {
            sep(b).append("minWidth ").append(minWidth);
        }
        if (minHeight > 0) {
            sep(b).append("minHeight ").append(minHeight);
        }
        if (minFps > 0) {
            sep(b).append("minFps ").append(number(minFps));
        }
        if (!hold.isZero()) {
            sep(b).append("hold ").append(Durations.format(hold));
        }
        return b.toString();
    }

    private static StringBuilder sep(StringBuilder b) {
        return b.append(b.isEmpty() ? "" : ", ");
    }
}
