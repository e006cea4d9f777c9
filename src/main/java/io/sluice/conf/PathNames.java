package io.sluice.conf;

/**
 * PathNames holds the one rule every path name must follow, wherever it comes from: an exact entry of
 * the configuration file or the API, an RTSP or WebRTC URL, an RTMP app/stream name or an SRT stream id.
 *
 * <p>The rule is mediamtx's ({@code conf.IsValidPathName}): not empty; only the ASCII letters and digits
 * and {@code _ - . / ~ :}; no leading or trailing {@code /}. Sluice adds a length bound,
 * {@value #MAX_LENGTH} characters, so that a client cannot make the server keep, log and key maps by
 * arbitrarily long names (mediamtx has none; its names are bounded only by the request size).
 *
 * <p>Names are checked after the protocol's own decoding: RTSP and HTTP (WHIP/WHEP) URL paths are
 * percent-decoded first, so {@code %20} becomes a space and is refused like a raw one; RTMP and SRT
 * names are AMF or stream-id text, taken as they are (a {@code %} there is itself refused).
 */
public final class PathNames {
    /** Longest accepted name, in characters (all ASCII, so also bytes). */
    public static final int MAX_LENGTH = 256;
    /** The rule in a few words, for error messages and the README. */
    public static final String RULE = "A-Z a-z 0-9 _ - . / ~ : only, no leading or trailing '/', 1.."
            + MAX_LENGTH + " characters";

    private PathNames() {
    }

    /**
     * Checks a name against the rule.
     *
     * @throws PathNameException naming the first offending character and its offset, or the length
     */
    public static void check(String name) {
        if (name == null || name.isEmpty()) {
            throw new PathNameException("path name ", "is empty", "", -1);
        }
        if (name.length() > MAX_LENGTH) {
            throw new PathNameException("path name '" + printable(name.substring(0, 32)) + "...' ",
                    "is " + name.length() + " characters long, more than " + MAX_LENGTH, name, MAX_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            if (!allowed(name.charAt(i))) {
                throw new PathNameException("path name '" + printable(name) + "' ",
                        "has " + describe(name, i) + " at offset " + i, name, i);
            }
        }
        if (name.charAt(0) == '/') {
            throw new PathNameException("path name '" + name + "' ", "begins with '/'", name, 0);
        }
        if (name.charAt(name.length() - 1) == '/') {
            throw new PathNameException("path name '" + name + "' ", "ends with '/'", name, name.length() - 1);
        }
    }

    /** Whether a name follows the rule. */
    public static boolean valid(String name) {
        try {
            check(name);
            return true;
        } catch (PathNameException e) {
            return false;
        }
    }

    static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '_' || c == '-' || c == '.' || c == '/' || c == '~' || c == ':';
    }

    /** The character at i, named so that a log reader sees what it was: "a space (U+0020)". */
    private static String describe(String name, int i) {
        int cp = name.codePointAt(i);
        String code = String.format("U+%04X", cp);
        if (cp == ' ') {
            return "a space (" + code + ")";
        }
        if (Character.isISOControl(cp)) {
            return "a control character (" + code + ")";
        }
        if (cp > 0x7f) {
            return "the non-ASCII character '" + Character.toString(cp) + "' (" + code + ")";
        }
        return "'" + (char) cp + "' (" + code + ")";
    }

    /**
     * The name with control characters (and the backslash) escaped as \\uXXXX (also line separators and
     * surrogates), so that a name cannot forge log lines or terminal escapes when an error message quotes it.
     */
    public static String printable(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c) || c == '\\' || Character.isSurrogate(c) || c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
