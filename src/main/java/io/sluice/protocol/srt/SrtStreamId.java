package io.sluice.protocol.srt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * SrtStreamId is what an SRT caller asks for in its stream id: publish to or read a path, with
 * optional credentials. Two forms are accepted:
 * <ul>
 * <li>mediamtx's {@code publish:PATH}, {@code read:PATH}, {@code publish:PATH:USER:PASS};</li>
 * <li>the SRT access-control form {@code #!::r=PATH,m=publish,u=USER,s=PASS} (keys r = resource,
 * m = request|publish, u = user, s = session, which carries the password as in mediamtx; a missing
 * m means request, i.e. read, as the SRT access-control spec says).</li>
 * </ul>
 *
 * @param publish true to publish, false to read
 * @param path the path name, not checked here (the path layer names bad ones)
 * @param user "" when none given
 * @param pass "" when none given
 */
public record SrtStreamId(boolean publish, String path, String user, String pass) {

    public SrtStreamId {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(pass, "pass");
    }

    /** Thrown for a stream id that names no action and path; the message says what was expected. */
    public static final class BadStreamIdException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean badMode;

        BadStreamIdException(String message, boolean badMode) {
            super(message);
            this.badMode = badMode;
        }

        /** True when only the mode is unsupported (SRT answers that with BAD_MODE, not BAD_REQUEST). */
        public boolean badMode() {
            return badMode;
        }
    }

    /** s=VALUE in an access-control stream id; VALUE runs to the next ",key=" or the end. */
    private static final Pattern ACCESS_CONTROL_SECRET = Pattern.compile("([:,]s=).*?(?=,[A-Za-z]{1,16}=|$)");

    static final String ACCEPTED = "publish:PATH, read:PATH, publish:PATH:USER:PASS or #!::r=PATH,m=publish|request";

    public static SrtStreamId parse(String id) throws BadStreamIdException {
        if (id == null || id.isEmpty()) {
            throw new BadStreamIdException("empty streamid; expected " + ACCEPTED, false);
        }
        return id.startsWith("#!::") ? accessControl(id) : mediamtx(id);
    }

    private static SrtStreamId mediamtx(String id) throws BadStreamIdException {
        String[] parts = id.split(":", -1);
        boolean publish = switch (parts[0]) {
            case "publish" -> true;
            case "read" -> false;
            default -> throw new BadStreamIdException("streamid '" + redact(id) + "' starts with neither publish: nor read:; "
                    + "expected " + ACCEPTED, false);
        };
        if (parts.length != 2 && parts.length != 4 || parts[1].isEmpty()) {
            throw new BadStreamIdException("streamid '" + redact(id) + "' is not ACTION:PATH or ACTION:PATH:USER:PASS",
                    false);
        }
        return parts.length == 2 ? new SrtStreamId(publish, parts[1], "", "")
                : new SrtStreamId(publish, parts[1], parts[2], parts[3]);
    }

    private static SrtStreamId accessControl(String id) throws BadStreamIdException {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String item : id.substring(4).split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                // not the item itself: a password with a ',' in it splits into items
                throw new BadStreamIdException("streamid '" + redact(id) + "' has an item that is not key=value; "
                        + "expected " + ACCEPTED, false);
            }
            kv.put(item.substring(0, eq), item.substring(eq + 1));
        }
        String path = kv.getOrDefault("r", "");
        if (path.isEmpty()) {
            throw new BadStreamIdException("streamid has no r=PATH; expected " + ACCEPTED, false);
        }
        String mode = kv.getOrDefault("m", "request");
        boolean publish = switch (mode) {
            case "publish" -> true;
            case "request" -> false;
            default -> throw new BadStreamIdException("streamid mode m=" + mode + " is not supported (publish or "
                    + "request)", true);
        };
        return new SrtStreamId(publish, path, kv.getOrDefault("u", ""), kv.getOrDefault("s", ""));
    }

    /**
     * The stream id without its password, for logs and errors. The mediamtx form keeps ACTION:PATH and the
     * user and masks everything after them, whatever the number of ':' (a malformed id may be a password in
     * the wrong place, and a password may contain ':'). The access-control form masks the value of s= up to
     * the next ",key=" item (a password may contain ','). Anything else is shown as is: it holds no
     * ':'-separated credentials.
     */
    static String redact(String id) {
        if (id.startsWith("#!::")) {
            return ACCESS_CONTROL_SECRET.matcher(id).replaceAll("$1***");
        }
        String[] parts = id.split(":", -1);
        return switch (parts.length) {
            case 1, 2 -> id;
            case 3 -> parts[0] + ":" + parts[1] + ":***";
            default -> parts[0] + ":" + parts[1] + ":" + parts[2] + ":***";
        };
    }

    @Override
    public String toString() {
        return "SrtStreamId[" + (publish ? "publish" : "read") + " " + path + (user.isEmpty() ? "" : " as " + user)
                + "]";
    }
}
