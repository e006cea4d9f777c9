package io.sluice.net.http;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HttpRequest is one request as a {@link HttpHandler} sees it, copied out of Netty's buffers so it can
 * cross to a virtual thread with nothing to release.
 *
 * @param method upper case, e.g. "GET"
 * @param path the path as sent, still percent-encoded and without the query: a router splits it on '/'
 *     first and decodes the parts with {@link HttpPaths#decode}, so an encoded "%2F" inside a name is
 *     not taken for a separator
 * @param query the decoded query parameters in order; a name may have several values
 * @param headers by lower-case name; a name may have several values
 * @param body the body, empty when none; not copied again, so do not change it
 * @param remote the client's address
 * @param rawQuery the query as sent, without the '?', "" when none (WHIP/WHEP hooks' MTX_QUERY); may hold
 *     credentials, so {@link #toString()} leaves it out
 */
public record HttpRequest(String method, String path, Map<String, List<String>> query,
                          Map<String, List<String>> headers, byte[] body, InetSocketAddress remote, String rawQuery) {
    public HttpRequest {
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        rawQuery = rawQuery == null ? "" : rawQuery;
    }

    /** A request whose raw query is not known (tests that build the decoded one). */
    public HttpRequest(String method, String path, Map<String, List<String>> query,
            Map<String, List<String>> headers, byte[] body, InetSocketAddress remote) {
        this(method, path, query, headers, body, remote, "");
    }

    /** The first value of a query parameter, or null. */
    public String param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** The first value of a header (any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** The client's address as "ip:port" ("[v6]:port" for IPv6), the form log lines and sessions use. */
    public String remoteText() {
        return text(remote);
    }

    /** Without the body and the header values, which may hold credentials. */
    @Override
    public String toString() {
        return method + " " + path + " from " + text(remote);
    }

    /** "ip:port", "[v6]:port": no host name lookup, no leading '/'. */
    static String text(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            return String.valueOf(a);
        }
        String ip = a.getAddress().getHostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }
}
