package io.sluice.net.webrtc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IceServer is one STUN or TURN server: parsed from Sluice's config form
 * ({@code turn:user:pass@host:3478?transport=udp}) or from a WHIP Link header (RFC 7064/7065 URI
 * plus separate username and credential, draft-ietf-wish-whip §4.6).
 *
 * @param scheme    "stun", "stuns", "turn" or "turns"
 * @param transport "udp" or "tcp" ("tcp" for stuns/turns, which run TLS over TCP)
 * @param username  "" when none (STUN)
 * @param password  "" when none; never part of {@link #toString()} or an error message
 */
public record IceServer(String scheme, String host, int port, String transport, String username, String password) {
    private static final Logger LOG = LoggerFactory.getLogger(IceServer.class);
    /** scheme ":" [user ":" pass "@"] host [":" port] ["?transport=" t]; host may be a [v6] literal. */
    private static final Pattern URI = Pattern.compile(
            "(?i)(stuns?|turns?):(?:([^:@/?]*):([^@/?]*)@)?(\\[[0-9a-f:.]+]|[^:@/?\\[\\]]+)(?::(\\d{1,5}))?"
                    + "(?:\\?transport=([a-z]+))?");
    private static final Pattern LINK_PARAM = Pattern.compile(
            "\\s*;\\s*([a-zA-Z-]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^;,\\s]*))");

    public IceServer {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        if (!List.of("stun", "stuns", "turn", "turns").contains(scheme)) {
            throw new IllegalArgumentException("ICE server scheme must be stun, stuns, turn or turns, got " + scheme);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("ICE server " + scheme + ": empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("ICE server " + scheme + ":" + host + ": port must be 1..65535, got "
                    + port);
        }
        if (!transport.equals("udp") && !transport.equals("tcp")) {
            throw new IllegalArgumentException("ICE server " + scheme + ":" + host + ": transport must be udp or tcp,"
                    + " got " + transport);
        }
        if (scheme.startsWith("turn") && username.isEmpty()) { // fields are not assigned yet here
            throw new IllegalArgumentException("TURN server " + host + ":" + port + " needs a username and password");
        }
    }

    /**
     * Parses Sluice's config form: {@code stun:host[:port]}, {@code turn:user:pass@host[:port][?transport=udp|tcp]},
     * {@code turns:...}. The error message names the bad value with the password masked.
     */
    public static IceServer parse(String configForm) {
        Objects.requireNonNull(configForm, "configForm");
        Matcher m = URI.matcher(configForm.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid ICE server URL \"" + redact(configForm)
                    + "\" (expected stun:host[:port] or turn[s]:user:pass@host[:port][?transport=udp|tcp])");
        }
        try {
            return of(m, m.group(2), m.group(3));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid ICE server URL \"" + redact(configForm) + "\": "
                    + e.getMessage());
        }
    }

    /**
     * Parses the ice-server links of a WHIP/WHEP Link header
     * ({@code <turn:host:3478?transport=udp>; rel="ice-server"; username="u"; credential="p"}); other links
     * are ignored, and so (logged) are ice-server links that do not parse.
     */
    public static List<IceServer> parseLinkHeader(String headerValue) {
        List<IceServer> out = new ArrayList<>();
        if (headerValue == null) {
            return out;
        }
        int i = 0;
        while ((i = headerValue.indexOf('<', i)) >= 0) {
            int end = headerValue.indexOf('>', i);
            if (end < 0) {
                break;
            }
            String uri = headerValue.substring(i + 1, end);
            String rel = "";
            String user = null;
            String cred = null;
            Matcher p = LINK_PARAM.matcher(headerValue);
            int at = end + 1;
            while (p.find(at) && p.start() == at) {
                String value = p.group(2) != null ? p.group(2).replaceAll("\\\\(.)", "$1") : p.group(3);
                switch (p.group(1).toLowerCase(Locale.ROOT)) {
                    case "rel" -> rel = value;
                    case "username" -> user = value;
                    case "credential" -> cred = value;
                    default -> { /* credential-type etc.: only "password" exists */ }
                }
                at = p.end();
            }
            i = at;
            if (!List.of(rel.toLowerCase(Locale.ROOT).split("\\s+")).contains("ice-server")) {
                continue;
            }
            Matcher m = URI.matcher(uri.trim());
            try {
                if (!m.matches() || m.group(2) != null) {
                    throw new IllegalArgumentException("not a stun:/turn: URI");
                }
                out.add(of(m, user, cred));
            } catch (IllegalArgumentException e) {
                LOG.warn("ignoring ice-server link <{}>: {}", redact(uri), e.getMessage());
            }
        }
        return out;
    }

    private static IceServer of(Matcher m, String user, String pass) {
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        boolean tls = scheme.endsWith("s");
        String host = m.group(4);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = m.group(5) != null ? Integer.parseInt(m.group(5)) : tls ? 5349 : 3478;
        String transport = m.group(6) != null ? m.group(6).toLowerCase(Locale.ROOT) : tls ? "tcp" : "udp";
        if (scheme.startsWith("stun") && m.group(6) != null) {
            // RFC 7064 §3.1: stun URIs have no query part
            throw new IllegalArgumentException("stun URIs take no ?transport");
        }
        return new IceServer(scheme, host, port, transport, user, pass);
    }

    public boolean isTurn() {
        return scheme.startsWith("turn");
    }

    /** This server as a Link header value for Sluice's own WHIP/WHEP responses. */
    public String linkHeader() {
        StringBuilder b = new StringBuilder("<").append(uri()).append(">; rel=\"ice-server\"");
        if (!username.isEmpty()) {
            b.append("; username=\"").append(quote(username)).append("\"; credential=\"").append(quote(password))
                    .append("\"; credential-type=\"password\"");
        }
        return b.toString();
    }

    /** The RFC 7064/7065 URI, without credentials. */
    public String uri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return scheme + ":" + h + ":" + port + (isTurn() ? "?transport=" + transport : "");
    }

    private static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Masks the password of {@code scheme:user:pass@host}. */
    static String redact(String url) {
        return url.replaceAll("^([a-zA-Z]+:[^:@/?]*):[^@/?]*@", "$1:***@");
    }

    @Override
    public String toString() {
        return uri() + (username.isEmpty() ? "" : " (user " + username + ")");
    }
}
