package io.sluice.protocol.rtsp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * RtspUrl is a parsed {@code rtsp://} or {@code rtsps://} URL: credentials, host, port, path and
 * query, e.g. {@code rtsp://user:p%40ss@cam.local:8554/live/x?token=1}.
 *
 * <p>Parsed by hand rather than with {@link java.net.URI}, which rejects what users paste into
 * configs: unescaped '@', '#' or ':' in passwords.
 */
public final class RtspUrl {
    public static final int DEFAULT_PORT = 554;
    public static final int DEFAULT_TLS_PORT = 322;
    /** A query parameter that carries a secret, and its value up to the next separator. */
    private static final Pattern SECRET_PARAM =
            Pattern.compile("(?i)([?&;](?:pass|password|passphrase|token)=)[^&;#\\s]*");

    private final String scheme;
    private final String user;
    private final String password;
    private final String host;
    private final int port;
    private final String hostPort;
    private final String rawPath;
    private final String query;

    private RtspUrl(String scheme, String user, String password, String host, int port, String hostPort,
            String rawPath, String query) {
        this.scheme = scheme;
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
        this.hostPort = hostPort;
        this.rawPath = rawPath;
        this.query = query;
    }

    /**
     * Parses an RTSP URL.
     *
     * @throws RtspProtocolException naming the URL (credentials redacted) and what is wrong
     */
    public static RtspUrl parse(String url) {
        int sep = url.indexOf("://");
        String scheme = sep < 0 ? "" : url.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!scheme.equals("rtsp") && !scheme.equals("rtsps")) {
            throw new RtspProtocolException("invalid URL \"" + redact(url) + "\", expected rtsp:// or rtsps://");
        }
        int authStart = sep + 3;
        int authEnd = authStart;
        while (authEnd < url.length() && url.charAt(authEnd) != '/' && url.charAt(authEnd) != '?') {
            authEnd++;
        }
        String authority = url.substring(authStart, authEnd);
        // the last '@' ends the userinfo: passwords may contain unescaped '@'
        int at = authority.lastIndexOf('@');
        String user = null;
        String password = null;
        if (at >= 0) {
            String info = authority.substring(0, at);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        String hostPort = authority.substring(at + 1);
        String host;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new RtspProtocolException("invalid IPv6 host in URL \"" + redact(url) + "\"");
            }
            host = hostPort.substring(1, close);
            if (close + 1 < hostPort.length()) {
                if (hostPort.charAt(close + 1) != ':') {
                    throw new RtspProtocolException("invalid host \"" + hostPort + "\" in URL \"" + redact(url) + "\"");
                }
                portText = hostPort.substring(close + 2);
            }
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            portText = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new RtspProtocolException("missing host in URL \"" + redact(url) + "\"");
        }
        int port = scheme.equals("rtsps") ? DEFAULT_TLS_PORT : DEFAULT_PORT;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port <= 0 || port > 65535) {
                throw new RtspProtocolException("invalid port \"" + portText + "\" in URL \"" + redact(url)
                        + "\", expected 1..65535");
            }
        }
        String rest = url.substring(authEnd);
        int q = rest.indexOf('?');
        String rawPath = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? null : rest.substring(q + 1);
        return new RtspUrl(scheme, user, password, host, port, hostPort, rawPath, query);
    }

    public String scheme() {
        return scheme;
    }

    /** The percent-decoded user name, or null. */
    public String user() {
        return user;
    }

    /** The percent-decoded password, or null. */
    public String password() {
        return password;
    }

    /** The host name or address (IPv6 without brackets). */
    public String host() {
        return host;
    }

    /** The port, 554 (rtsp) or 322 (rtsps) when absent. */
    public int port() {
        return port;
    }

    /** The percent-decoded path, "" when absent, e.g. "/live/x". */
    public String path() {
        return decode(rawPath);
    }

    /** The path as written in the URL. */
    public String rawPath() {
        return rawPath;
    }

    /** The raw query without '?', or null. */
    public String query() {
        return query;
    }

    /** The URL without user and password, as sent in request lines and written to logs. */
    public String withoutCredentials() {
        return scheme + "://" + hostPort + rawPath + (query == null ? "" : "?" + query);
    }

    @Override
    public String toString() {
        return withoutCredentials();
    }

    /**
     * The string with any URL credentials removed and the values of pass, password, passphrase and token
     * query parameters masked ("pass=***": clients put mediamtx-style credentials in the query, and request
     * URIs reach the log); anything else is returned unchanged. (conf.Redact does the same for
     * configured URLs; protocol code does not depend on conf.)
     */
    public static String redact(String maybeUrl) {
        String s = maybeUrl;
        int sep = s.indexOf("://");
        if (sep >= 0) {
            int end = s.indexOf('/', sep + 3);
            int at = s.lastIndexOf('@', end < 0 ? s.length() - 1 : end);
            s = at > sep ? s.substring(0, sep + 3) + s.substring(at + 1) : s;
        }
        return s.indexOf('=') < 0 ? s : SECRET_PARAM.matcher(s).replaceAll("$1***");
    }

    /**
     * The index of the media a SETUP request addresses, or -1.
     *
     * <p>Clients build the SETUP URL from the Content-Base (or request URL) and the media's
     * a=control, and do it differently: absolute controls, with or without a trailing slash, with
     * the query before or after the control. Matching therefore compares paths without trailing
     * slashes and, failing that, the last path segment; a "trackID=N", "streamid=N" (ffmpeg) or
     * "stream=N" (GStreamer) suffix that matches no control still selects media N, since some clients
     * ignore a=control altogether.
     *
     * @param setupUri the SETUP request URI, absolute or a path
     * @param basePath the decoded path of the stream, e.g. "/live/x"
     * @param controls the a=control value of each media, in order ("" when absent)
     */
    public static int mediaIndexFromSetupUri(String setupUri, String basePath, List<String> controls) {
        String full = pathAndQuery(setupUri);
        int q = full.indexOf('?');
        String path = trimSlashes(decode(q < 0 ? full : full.substring(0, q)));
        String query = q < 0 ? "" : decode(full.substring(q + 1));
        String base = trimSlashes(basePath);
        for (int i = 0; i < controls.size(); i++) {
            String c = controls.get(i);
            if (c.isEmpty() || c.equals("*")) {
                continue;
            }
            if (c.contains("://")) {
                String cp = pathAndQuery(c);
                int cq = cp.indexOf('?');
                if (trimSlashes(decode(cq < 0 ? cp : cp.substring(0, cq))).equals(path)
                        || trimSlashes(decode(cp)).equals(trimSlashes(decode(full)))) {
                    return i;
                }
                continue;
            }
            String rel = trimSlashes(decode(c));
            if (path.equals(base.isEmpty() ? rel : base + "/" + rel) || path.endsWith("/" + rel)
                    || path.equals(rel) || query.endsWith("/" + rel)) {
                return i;
            }
        }
        // a single media without a control is set up on the aggregate URL itself
        if (controls.size() == 1 && (controls.getFirst().isEmpty() || controls.getFirst().equals("*"))
                && path.equals(base)) {
            return 0;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        if (!query.isEmpty() && query.lastIndexOf('/') >= 0) {
            last = query.substring(query.lastIndexOf('/') + 1);
        }
        int n = suffixIndex(last);
        return n >= 0 && n < controls.size() ? n : -1;
    }

    private static int suffixIndex(String segment) {
        int eq = segment.indexOf('=');
        if (eq < 0) {
            return -1;
        }
        String key = segment.substring(0, eq).toLowerCase(Locale.ROOT);
        if (!key.equals("trackid") && !key.equals("streamid") && !key.equals("stream") && !key.equals("track")) {
            return -1;
        }
        String num = segment.substring(eq + 1);
        if (num.isEmpty() || num.length() > 3) {
            return -1;
        }
        for (int i = 0; i < num.length(); i++) {
            if (num.charAt(i) < '0' || num.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(num);
    }

    /** The part after scheme://authority of an absolute URL, or the string itself. */
    private static String pathAndQuery(String uri) {
        int sep = uri.indexOf("://");
        if (sep < 0) {
            return uri;
        }
        int i = sep + 3;
        while (i < uri.length() && uri.charAt(i) != '/' && uri.charAt(i) != '?') {
            i++;
        }
        return uri.substring(i);
    }

    private static String trimSlashes(String p) {
        int e = p.length();
        while (e > 0 && p.charAt(e - 1) == '/') {
            e--;
        }
        int s = 0;
        while (s < e && p.charAt(s) == '/') {
            s++;
        }
        return p.substring(s, e);
    }

    /** Percent-decoding as UTF-8; '+' stays '+' (that is form encoding, not URL encoding). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
