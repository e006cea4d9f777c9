package io.sluice.api;

import io.sluice.control.ControlException;
import io.sluice.net.http.HttpPaths;
import io.sluice.net.http.HttpReply;
import io.sluice.net.http.HttpRequest;

/**
 * ApiRoute is one method and path pattern of the API and the action that answers it.
 *
 * @param prefix the literal start of the path; the whole path when {@code tail} is NONE
 */
record ApiRoute(String method, String prefix, Tail tail, Action action) {

    /** What follows the prefix. */
    enum Tail {
        /** Nothing: the path is the prefix. */
        NONE,
        /** A path name, which may contain '/': "live/cam1". */
        NAME,
        /** A path name, then '/' and an id as the last segment: "live/cam1/abc". */
        NAME_ID,
        /** One segment: a session id. */
        ID
    }

    /** Answers one matched request. */
    @FunctionalInterface
    interface Action {
        HttpReply run(ApiCall call) throws ApiException, ControlException;
    }

    static ApiRoute get(String prefix, Tail tail, Action a) {
        return new ApiRoute("GET", prefix, tail, a);
    }

    static ApiRoute post(String prefix, Tail tail, Action a) {
        return new ApiRoute("POST", prefix, tail, a);
    }

    static ApiRoute patch(String prefix, Tail tail, Action a) {
        return new ApiRoute("PATCH", prefix, tail, a);
    }

    static ApiRoute delete(String prefix, Tail tail, Action a) {
        return new ApiRoute("DELETE", prefix, tail, a);
    }

    /**
     * Matches the path (not the method). Splits on the raw path and decodes the parts afterwards, so a name
     * sent with "%2F" for '/' still ends before the id.
     *
     * @return the call with its captured name and id, or null when the path does not fit
     * @throws ApiException 400 for a bad percent-escape in a captured part
     */
    ApiCall match(HttpRequest req) throws ApiException {
        String path = req.path();
        if (tail == Tail.NONE) {
            return path.equals(prefix) ? new ApiCall(req, "", "") : null;
        }
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
            return null;
        }
        String rest = path.substring(prefix.length());
        return switch (tail) {
            case NAME -> new ApiCall(req, decode(rest), "");
            case ID -> rest.contains("/") ? null : new ApiCall(req, "", decode(rest));
            case NAME_ID -> {
                int slash = rest.lastIndexOf('/');
                yield slash <= 0 || slash == rest.length() - 1 ? null
                        : new ApiCall(req, decode(rest.substring(0, slash)), decode(rest.substring(slash + 1)));
            }
            case NONE -> throw new AssertionError("handled above");
        };
    }

    private static String decode(String part) throws ApiException {
        try {
            return HttpPaths.decode(part);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }
}
