package io.sluice.conf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * DestUrlParser splits target URLs by hand rather than with java.net.URI, because real SRT URLs carry
 * unescaped '#', ':' and ',' in streamid (e.g. "streamid=#!::r=live/x,m=publish") that URI rejects.
 */
final class DestUrlParser {

    private DestUrlParser() {
    }

    /** The parts every scheme shares. */
    private record Parts(String scheme, String user, String pass, String host, int port, String path, String query) {
    }

    static DestUrl parse(String url) {
        return parse(url, false);
    }

    /**
     * Parses a target URL, or with {@code asSource} a pulled source's: a source reads a WHEP endpoint
     * (whep://, wheps://, http://, https://) where a target writes to a WHIP one (whip://, whips://, webrtc://,
     * http://, https://); both are {@link DestUrl.Whip}, since the HTTP exchange is the same POST of an offer.
     */
    static DestUrl parse(String url, boolean asSource) {
        String accepted = asSource ? SourceUrl.ACCEPTED : DestUrl.ACCEPTED_SCHEMES;
        if (url == null || url.isBlank()) {
            throw new BadValue("empty URL", accepted);
        }
        String raw = url.strip();
        int sep = raw.indexOf("://");
        if (sep <= 0) {
            throw new BadValue("missing scheme in '" + Redact.url(raw) + "'", accepted);
        }
        String scheme = raw.substring(0, sep).toLowerCase(Locale.ROOT);
        int defaultPort = switch (scheme) {
            case "rtsp" -> 554;
            case "rtsps" -> 322;
            case "rtmp" -> 1935;
            case "rtmps" -> 443;
            case "srt" -> -1;
            case "http" -> 80;
            case "https" -> 443;
            case "whip" -> asSource ? -2 : 80;
            case "whips" -> asSource ? -2 : 443;
            case "webrtc" -> asSource ? -2 : 8889;
            case "whep" -> asSource ? 80 : -2;
            case "wheps" -> asSource ? 443 : -2;
            default -> -2;
        };
        if (defaultPort == -2) {
            throw new BadValue("unknown scheme '" + raw.substring(0, sep) + "'", accepted);
        }
        int hash = raw.indexOf('#');
        if (hash > 0 && (scheme.equals("rtmp") || scheme.equals("rtmps"))) {
            // mediamtx's rtmp://host/app#streamKey: the fragment is the stream key, the whole path the app
            Parts p = split(raw.substring(0, hash), scheme, sep + 3, defaultPort);
            return rtmpWithKey(raw, scheme.equals("rtmps"), p, raw.substring(hash + 1));
        }
        Parts p = split(raw, scheme, sep + 3, defaultPort);
        return switch (scheme) {
            case "rtsp", "rtsps" -> new DestUrl.Rtsp(raw, scheme.equals("rtsps"), p.host, p.port,
                    (p.path.isEmpty() ? "/" : p.path) + (p.query == null ? "" : "?" + p.query), p.user, p.pass);
            case "rtmp", "rtmps" -> rtmp(raw, scheme.equals("rtmps"), p);
            case "srt" -> srt(raw, p);
            default -> whip(raw, scheme, p);
        };
    }

    private static Parts split(String raw, String scheme, int start, int defaultPort) {
        int end = start;
        while (end < raw.length() && raw.charAt(end) != '/' && raw.charAt(end) != '?') {
            end++;
        }
        String authority = raw.substring(start, end);
        String rest = raw.substring(end);
        String user = "";
        String pass = "";
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userinfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userinfo.indexOf(':');
            user = decode(colon < 0 ? userinfo : userinfo.substring(0, colon), "user name");
            pass = colon < 0 ? "" : decode(userinfo.substring(colon + 1), "password");
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new BadValue("unclosed '[' in host of '" + Redact.url(raw) + "'", "[IPv6]:port");
            }
            host = authority.substring(1, close);
            if (!Addresses.isIpLiteral(host) || !host.contains(":")) {
                throw new BadValue("invalid IPv6 host '" + host + "'", "[IPv6]:port");
            }
            String after = authority.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw new BadValue("unexpected '" + after + "' after host", "[IPv6]:port");
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new BadValue("missing host in '" + Redact.url(raw) + "'", scheme + "://host[:port]/...");
        }
        // '$' for a host written with $G1 or $MTX_PATH, substituted per path (PathConf.forwardTargetsFor)
        if (!host.contains(":") && !host.matches("[A-Za-z0-9._$-]{1,253}")) {
            throw new BadValue("invalid host '" + host + "'", "host name, IPv4 address or [IPv6 address]");
        }
        int port = defaultPort;
        if (portText != null) {
            if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                throw new BadValue("invalid port '" + portText + "'", "1..65535");
            }
            port = Integer.parseInt(portText);
        }
        if (port < 0) {
            throw new BadValue("missing port in '" + Redact.url(raw) + "'", scheme + "://host:port?...");
        }
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? null : rest.substring(q + 1);
        return new Parts(scheme, user, pass, host, port, path, query);
    }

    private static DestUrl.Rtmp rtmp(String raw, boolean tls, Parts p) {
        String path = p.path.startsWith("/") ? p.path.substring(1) : p.path;
        int slash = path.indexOf('/');
        String app = slash < 0 ? path : path.substring(0, slash);
        String key = slash < 0 ? "" : path.substring(slash + 1);
        if (app.isEmpty()) {
            throw new BadValue("missing application name in '" + Redact.url(raw) + "'",
                    "rtmp[s]://host[:port]/app[/streamKey]");
        }
        if (p.query != null) {
            key = key + "?" + p.query;
        }
        return new DestUrl.Rtmp(raw, tls, p.host, p.port, app, key, p.user, p.pass);
    }

    private static DestUrl.Rtmp rtmpWithKey(String raw, boolean tls, Parts p, String streamKey) {
        String app = p.path.replaceAll("^/+|/+$", "");
        if (app.isEmpty()) {
            throw new BadValue("missing application name in '" + Redact.url(raw) + "'",
                    "rtmp[s]://host[:port]/app#streamKey");
        }
        String key = p.query == null ? streamKey : streamKey + "?" + p.query;
        return new DestUrl.Rtmp(raw, tls, p.host, p.port, app, key, p.user, p.pass);
    }

    private static DestUrl.Srt srt(String raw, Parts p) {
        if (!p.path.isEmpty() && !p.path.equals("/")) {
            throw new BadValue("unexpected path '" + p.path + "' (SRT has no paths)", "srt://host:port?streamid=...");
        }
        if (!p.user.isEmpty() || !p.pass.isEmpty()) {
            throw new BadValue("credentials before '@' in an SRT URL",
                    "srt://host:port?streamid=...&passphrase=... (or srtConfig)");
        }
        Map<String, String> query = query(p.query);
        String passphrase = query.get("passphrase");
        if (passphrase != null) {
            SrtDestConf.checkPassphrase(passphrase);
        }
        String latency = query.get("latency");
        if (latency != null) {
            SrtDestConf.checkLatency(intOption("latency", latency));
        }
        String pbkeylen = query.get("pbkeylen");
        if (pbkeylen != null) {
            SrtDestConf.checkPbkeylen(intOption("pbkeylen", pbkeylen));
        }
        String streamId = query.get("streamid");
        if (streamId != null) {
            SrtDestConf.checkStreamId(streamId);
        }
        return new DestUrl.Srt(raw, p.host, p.port, query);
    }

    private static DestUrl.Whip whip(String raw, String scheme, Parts p) {
        if (!p.user.isEmpty() || !p.pass.isEmpty()) {
            throw new BadValue("credentials before '@' in a " + (scheme.startsWith("whep") ? "WHEP" : "WHIP") + " URL",
                    "?token=... query (sent as Bearer token), or the username/password keys");
        }
        String token = "";
        StringBuilder kept = new StringBuilder();
        if (p.query != null) {
            for (String pair : p.query.split("&", -1)) {
                if (pair.startsWith("token=")) {
                    token = decode(pair.substring(6), "token");
                } else if (!pair.isEmpty()) {
                    kept.append(kept.isEmpty() ? "?" : "&").append(pair);
                }
            }
        }
        String path = (p.path.isEmpty() ? "/" : p.path) + kept;
        boolean tls = scheme.equals("whips") || scheme.equals("wheps") || scheme.equals("https");
        return new DestUrl.Whip(raw, tls, p.host, p.port, path, token, scheme.equals("webrtc"));
    }

    private static Map<String, String> query(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            out.put(decode(key, "query key"), eq < 0 ? "" : decode(pair.substring(eq + 1), "query value of " + key));
        }
        return out;
    }

    private static int intOption(String name, String value) {
        if (!value.matches("\\d{1,9}")) {
            throw new BadValue("query option " + name + "='" + value + "' is not an integer", "non-negative integer");
        }
        return Integer.parseInt(value);
    }

    /** Percent-decodes without turning '+' into a space (that rule is for HTML forms, not URLs). */
    private static String decode(String s, String what) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                        || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new BadValue("bad percent-escape in " + what, "%XX with two hex digits");
                }
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                int cp = s.codePointAt(i);
                out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
