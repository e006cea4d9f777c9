package io.sluice.server.webrtc;

import io.sluice.conf.PathNameException;
import io.sluice.conf.PathNames;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * WebrtcRoute is what a request's decoded URL path asks for: the index, one of the two pages, a
 * WHIP/WHEP endpoint or one session of it.
 *
 * <p>Path names may contain slashes ("live/cam1"), so the route is read from the last segments:
 * {@code …/whip}, {@code …/whep}, {@code …/whip/<id>}, {@code …/publish}, else the read page. A
 * name may not itself contain a "whip", "whep" or "publish" segment, which would make it ambiguous.
 * Names follow {@link PathNames}' rule, and on top of it no empty, "." or ".." segment and no ".." at all,
 * since HTTP clients would normalise such URLs into another path.
 */
sealed interface WebrtcRoute {
    Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_.~-]{1,128}");
    Set<String> RESERVED = Set.of("whip", "whep", "publish");

    /** WHIP ingests, WHEP egresses; the lower-case name is the URL segment. */
    enum Kind {
        WHIP, WHEP;

        String segment() {
            return this == WHIP ? "whip" : "whep";
        }
    }

    record Index() implements WebrtcRoute {
    }

    record ReadPage(String path) implements WebrtcRoute {
    }

    record PublishPage(String path) implements WebrtcRoute {
    }

    record Endpoint(String path, Kind kind) implements WebrtcRoute {
        /** The session URL sent in Location, absolute-path form as in RFC 9725's examples. */
        String location(String sessionId) {
            return "/" + path + "/" + kind.segment() + "/" + sessionId;
        }
    }

    record Session(String path, Kind kind, String id) implements WebrtcRoute {
    }

    /** Nothing lives here; quiet because browsers and scanners ask for such URLs all the time. */
    record NotFound() implements WebrtcRoute {
    }

    /** @param badName whether the path name was refused (counted as a bad path name), not the session id */
    record BadPath(String reason, boolean badName) implements WebrtcRoute {
    }

    /** @param path the URL path, percent-decoded, starting with "/" */
    static WebrtcRoute parse(String path) {
        if (path.isEmpty() || path.equals("/")) {
            return new Index();
        }
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1); // "/live/cam1/" is the same page; browsers add it
        }
        String[] seg = p.split("/", -1);
        int n = seg.length;
        WebrtcRoute route;
        String name;
        if (kind(seg[n - 1]) != null) {
            name = join(seg, n - 1);
            route = new Endpoint(name, kind(seg[n - 1]));
        } else if (n >= 2 && kind(seg[n - 2]) != null) {
            if (!validSessionId(seg[n - 1])) {
                return new BadPath("invalid session id", false);
            }
            name = join(seg, n - 2);
            route = new Session(name, kind(seg[n - 2]), seg[n - 1]);
        } else if (seg[n - 1].equals("publish")) {
            name = join(seg, n - 1);
            route = new PublishPage(name);
        } else {
            name = p;
            route = name.equals("favicon.ico") ? new NotFound() : new ReadPage(name);
        }
        if (name.isEmpty()) {
            return new NotFound();
        }
        String bad = checkName(name);
        if (bad != null) {
            return new BadPath(bad, true);
        }
        return route;
    }

    /** One URL segment; "." and ".." are refused on top, since clients would normalise them away. */
    static boolean validSessionId(String id) {
        return id != null && SESSION_ID.matcher(id).matches() && !id.matches("\\.+");
    }

    /** @return why the name is refused, never quoting it (it may hold anything), or null when it is fine */
    private static String checkName(String name) {
        try {
            PathNames.check(name);
        } catch (PathNameException e) {
            return "invalid path name: it " + e.what() + "; accepted: " + PathNames.RULE;
        }
        if (name.contains("..")) {
            return "invalid path name: \"..\" is not accepted in WebRTC URLs";
        }
        for (String s : name.split("/", -1)) {
            if (s.isEmpty() || s.equals(".")) {
                return "invalid path name: empty or \".\" segment";
            }
            if (RESERVED.contains(s)) {
                return "invalid path name: \"" + s + "\" is reserved for the WebRTC routes";
            }
        }
        return null;
    }

    private static Kind kind(String segment) {
        return switch (segment) {
            case "whip" -> Kind.WHIP;
            case "whep" -> Kind.WHEP;
            default -> null;
        };
    }

    private static String join(String[] seg, int count) {
        return String.join("/", Arrays.asList(seg).subList(0, count));
    }
}
