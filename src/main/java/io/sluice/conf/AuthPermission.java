package io.sluice.conf;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * AuthPermission is one entry of an authInternalUsers user's permissions: an action, and for publish,
 * read and playback the paths it covers.
 *
 * @param action what is allowed
 * @param path "" for every path, an exact path name, or "~regex" (searched with find(), as path
 *     entries are); ignored by api, metrics and pprof
 */
public record AuthPermission(AuthAction action, String path) {

    static final String ACCEPTED_PATH = "empty (every path), an exact path name, or ~ followed by a regex";
    private static final Pattern EXACT = Pattern.compile("[A-Za-z0-9_./-]+");

    public AuthPermission {
        Objects.requireNonNull(action, "action");
        checkPath(Objects.requireNonNull(path, "path"));
    }

    /** Whether the permission covers every path. */
    public boolean anyPath() {
        return path.isEmpty();
    }

    /** Whether the path is written as a "~regex". */
    public boolean isRegex() {
        return path.startsWith("~");
    }

    static void checkPath(String path) {
        if (path.isEmpty()) {
            return;
        }
        if (path.startsWith("~")) {
            if (path.length() == 1) {
                throw new BadValue("empty regex", ACCEPTED_PATH);
            }
            try {
                Pattern.compile(path.substring(1));
            } catch (PatternSyntaxException e) {
                throw new BadValue("invalid regex: " + e.getDescription() + " near index " + e.getIndex(),
                        ACCEPTED_PATH);
            }
        } else if (!EXACT.matcher(path).matches() || path.startsWith("/") || path.endsWith("/")) {
            throw new BadValue("invalid path name '" + path + "'", ACCEPTED_PATH);
        }
    }
}
