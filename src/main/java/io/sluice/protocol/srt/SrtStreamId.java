package io.sluice.protocol.srt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * SrtStreamId is what an SRT caller asks for in its stream id: publish to or read a path, with
 * optional credentials and a query (mediamtx's MTX_QUERY). Two forms are accepted:
 * <ul>
 * <li>mediamtx's {@code ACTION:PATH[:QUERY]} and {@code ACTION:PATH:USER:PASS[:QUERY]}, ACTION being
 * {@code publish} or {@code read};</li>
 * <li>the SRT access-control form {@code #!::r=PATH,m=publish,u=USER,s=PASS} (keys r = resource,
 * m = request|publish, u = user, s = session, which carries the password as in mediamtx; a missing
 * m means request, i.e. read, as the SRT access-control spec says).</li>
 * </ul>
 * In both, a PATH written as URLs write it, {@code cam?x=1}, gives its query too (mediamtx would refuse the
 * name): joined after the QUERY field with '&amp;' when both are there.
 *
 * @param publish true to publish, false to read
 * @param path the path name, not checked here (the path layer names bad ones)
 * @param user "" when none given
 * @param pass "" when none given
 * @param query "" when none given; may hold credentials, so {@link #toString()} does not show it
 */
public record SrtStreamId(boolean publish, String path, String user, String pass, String query) {

    public SrtStreamId {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(pass, "pass");
        Objects.requireNonNull(query, "query");
    }

    /** A stream id without a query. */
    public SrtStreamId(boolean publish, String path, String user, String pass) {
        this(publish, path, user, pass, "");
    }

    /** This id with the path's own {@code ?query} (if any) split off into the query. */
    private SrtStreamId withPathQuery() {
        int q = path.indexOf('?');
        if (q < 0) {
            return this;
        }
        String own = path.substring(q + 1);
        String joined = query.isEmpty() ? own : own.isEmpty() ? query : query + "&" + own;
        return new SrtStreamId(publish, path.substring(0, q), user, pass, joined);
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
    /** The query of r=PATH?QUERY in an access-control stream id, up to the next ",key=" or the end. */
    private static final Pattern ACCESS_CONTROL_QUERY = Pattern.compile("([:,]r=[^?,]*\\?).*?(?=,[A-Za-z]{1,16}=|$)");

    static final String ACCEPTED = "publish:PATH, read:PATH, publish:PATH:USER:PASS (each with an optional :QUERY) "
            + "or #!::r=PATH,m=publish|request";

    public static SrtStreamId parse(String id) throws BadStreamIdException {
        if (id == null || id.isEmpty()) {
            throw new BadStreamIdException("empty streamid; expected " + ACCEPTED, false);
        }
        return (id.startsWith("#!::") ? accessControl(id) : mediamtx(id)).withPathQuery();
    }

    private static SrtStreamId mediamtx(String id) throws BadStreamIdException {
        String[] parts = id.split(":", -1);
        boolean publish = switch (parts[0]) {
            case "publish" -> true;
            case "read" -> false;
            default -> throw new BadStreamIdException("streamid '" + redact(id) + "' starts with neither publish: nor read:; "
                    + "expected " + ACCEPTED, false);
        };
        if (parts.length > 5 || parts[1].isEmpty()) {
            throw new BadStreamIdException("streamid '" + redact(id) + "' is not ACTION:PATH[:QUERY] or "
                    + "ACTION:PATH:USER:PASS[:QUERY]", false);
        }
        // As mediamtx: a third field alone is a query, the third and fourth are credentials, a fifth is a query.
        return switch (parts.length) {
            case 2 -> new SrtStreamId(publish, parts[1], "", "");
            case 3 -> new SrtStreamId(publish, parts[1], "", "", parts[2]);
            case 4 -> new SrtStreamId(publish, parts[1], parts[2], parts[3]);
            default -> new SrtStreamId(publish, parts[1], parts[2], parts[3], parts[4]);
        };
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
     * The stream id without its password and query, for logs and errors. The mediamtx form keeps ACTION:PATH and
     * the user and masks everything after them, whatever the number of ':' (a malformed id may be a password in
     * the wrong place, and a password may contain ':'). The access-control form masks the value of s= up to
     * the next ",key=" item (a password may contain ','). A query written after the path ({@code cam?token=..})
     * is masked in both. Anything else is shown as is: it holds no ':'-separated credentials.
     */
    static String redact(String id) {
        if (id.startsWith("#!::")) {
            String s = ACCESS_CONTROL_SECRET.matcher(id).replaceAll("$1***");
            return ACCESS_CONTROL_QUERY.matcher(s).replaceAll("$1***");
        }
        String[] parts = id.split(":", -1);
        String path = parts.length < 2 || parts[1].indexOf('?') < 0 ? (parts.length < 2 ? "" : parts[1])
                : parts[1].substring(0, parts[1].indexOf('?') + 1) + "***";
        return switch (parts.length) {
            case 1 -> id;
            case 2 -> parts[0] + ":" + path;
            case 3 -> parts[0] + ":" + path + ":***";
            default -> parts[0] + ":" + path + ":" + parts[2] + ":***";
        };
    }

    @Override
    public String toString() {
        return "SrtStreamId[" + (publish ? "publish" : "read") + " " + path + (user.isEmpty() ? "" : " as " + user)
                + (query.isEmpty() ? "" : " ?***") + "]";
    }
}
