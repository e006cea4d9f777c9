package io.sluice.server.rtsp;

import io.netty.handler.codec.DecoderException;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.PathManager;
import io.sluice.protocol.rtsp.RtspUrl;
import io.sluice.stream.StreamDesc;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * RtspPathCheck turns request URLs into path names and media indexes, and the path layer's refusals
 * into RTSP responses (limits and bad names are counted by the path manager's Refusals).
 *
 * <p>One per connection, called only from the connection's event loop.
 */
final class RtspPathCheck {
    private final RtspServer server;
    private final String protocol;
    private final String remote;

    RtspPathCheck(RtspServer server, String protocol, String remote) {
        this.server = server;
        this.protocol = protocol;
        this.remote = remote;
    }

    /**
     * Checks the path-name rule (on the percent-decoded URL path, so "%20" is a space; query and trackID
     * suffix already stripped) and that an entry allows the name.
     */
    void requireConf(String pathName) throws RtspRefusal {
        try {
            PathManager.checkName(pathName);
        } catch (PathException e) {
            throw refusal(e);
        }
        if (server.paths().confFor(pathName) == null) {
            throw RtspRefusal.of(404, "Not Found", "path '" + pathName + "' is not configured");
        }
    }

    /** The path a completed {@code readableAsync} gave, or the refusal for why there is none. */
    Path joined(CompletableFuture<Path> ready) throws RtspRefusal {
        try {
            return ready.join();
        } catch (CompletionException e) {
            throw refusal(PathException.of(e));
        }
    }

    /**
     * The query of a request URL without the '?' ("" when none, or when the URL does not parse): mediamtx's
     * MTX_QUERY. It may hold credentials: never log it as is.
     */
    static String queryOf(String uri) {
        try {
            String q = RtspUrl.parse(uri).query();
            return q == null ? "" : q;
        } catch (IllegalArgumentException | DecoderException e) { // RtspProtocolException: the caller refuses it
            return "";
        }
    }

    /** The refusal for an error of the path layer; limits and bad names are counted. */
    RtspRefusal refusal(PathException e) {
        boolean counted = server.paths().countRefusal(protocol, remote, e);
        return new RtspRefusal(switch (e.reason()) {
            case NOT_CONFIGURED, NO_STREAM -> RtspReplies.status(404, "Not Found", e.getMessage());
            case BUSY -> RtspReplies.status(403, "Forbidden", e.getMessage());
            case BAD_NAME -> RtspReplies.status(400, "Bad Request", e.getMessage());
            case MAX_PATHS, MAX_READERS, START_TIMEOUT -> RtspReplies.status(503, "Service Unavailable", e.getMessage());
        }, counted);
    }

    static String pathOf(String uri) throws RtspRefusal {
        try {
            String p = RtspUrl.parse(uri).path();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw RtspRefusal.of(400, "Bad Request", "invalid URL: " + e.getMessage());
        }
    }

    /** The path of a reader's SETUP URL: the URL minus a trailing "trackID=N" control. */
    static String readerPathOf(String uri) throws RtspRefusal {
        String p = pathOf(uri);
        int slash = p.lastIndexOf('/');
        if (slash >= 0 && p.substring(slash + 1).startsWith("trackID=")) {
            return p.substring(0, slash);
        }
        return p;
    }

    static int readerMediaOf(String uri, StreamDesc desc) throws RtspRefusal {
        String p = pathOf(uri);
        int i = p.lastIndexOf("trackID=");
        if (i < 0) {
            return desc.medias().size() == 1 ? 0 : -1;
        }
        try {
            return Integer.parseInt(p.substring(i + "trackID=".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The Content-Base of a DESCRIBE answer: the URL without credentials and query, ending in "/". */
    static String baseUrl(String uri) {
        String u;
        try {
            u = RtspUrl.parse(uri).withoutCredentials();
        } catch (IllegalArgumentException e) {
            u = uri;
        }
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        return u.endsWith("/") ? u : u + "/";
    }
}
