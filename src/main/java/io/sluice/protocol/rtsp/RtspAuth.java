package io.sluice.protocol.rtsp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RtspAuth implements RTSP Basic and Digest authentication for both ends: a server's challenges and
 * verification, and a client's {@code Authorization} value for a 401 answer.
 *
 * <p>Digest is RFC 2617 as RTSP peers use it: {@code response = H(H(user:realm:pass):nonce:H(method:uri))},
 * or with {@code qop=auth} {@code H(HA1:nonce:nc:cnonce:auth:HA2)}; H is MD5 (SHA-256 too on the
 * client side, RFC 7616).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2326#appendix-D.2.1">RFC 2326 (authentication via RFC 2617)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2617#section-3.2.2">RFC 2617 §3.2.2</a>
 */
public final class RtspAuth {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private RtspAuth() {
    }

    /** A fresh random nonce (128 bits, hex). */
    public static String newNonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HEX.formatHex(b);
    }

    /**
     * The WWW-Authenticate values a server sends with 401: Digest (MD5) first, then Basic. Clients
     * such as ffmpeg and live555 pick Digest when it is offered.
     */
    public static List<String> challenges(String realm, String nonce) {
        return List.of("Digest realm=\"" + escape(realm) + "\", nonce=\"" + escape(nonce) + "\"",
                "Basic realm=\"" + escape(realm) + "\"");
    }

    /**
     * The WWW-Authenticate values for a 401: Digest and Basic, or Basic alone when the server can only
     * check the password itself (it keeps a hash of it), since clients pick Digest whenever offered.
     */
    public static List<String> challenges(String realm, String nonce, boolean digest) {
        List<String> all = challenges(realm, nonce);
        return digest ? all : List.of(all.getLast());
    }

    /**
     * What a request's Authorization header presents: Basic gives the user and the password, Digest
     * only the user (the client keeps the password and proves it, see {@link #verify}).
     *
     * @param pass the password for Basic, null for Digest
     */
    public record Presented(boolean digest, String user, String pass) {
        @Override
        public String toString() {
            return "Presented[" + (digest ? "Digest" : "Basic") + ", user=" + user + "]";
        }
    }

    /** The credentials presented by the request, or null when it has no Authorization header this server reads. */
    public static Presented presented(RtspRequest req) {
        String auth = req.headers().get(RtspHeaders.AUTHORIZATION);
        if (auth == null) {
            return null;
        }
        String a = auth.trim();
        int sp = a.indexOf(' ');
        String scheme = sp < 0 ? a : a.substring(0, sp);
        String rest = sp < 0 ? "" : a.substring(sp + 1).trim();
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(rest), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new Presented(false, decoded.substring(0, colon), decoded.substring(colon + 1));
        }
        if (scheme.equalsIgnoreCase("Digest")) {
            String user = params(rest).get("username");
            return user == null ? null : new Presented(true, user, null);
        }
        return null;
    }

    /** Adds {@link #challenges} to response headers. */
    public static RtspHeaders addChallenges(RtspHeaders headers, String realm, String nonce) {
        for (String c : challenges(realm, nonce)) {
            headers.add(RtspHeaders.WWW_AUTHENTICATE, c);
        }
        return headers;
    }

    /**
     * True when the request's Authorization header proves {@code user}/{@code pass}, with Basic or
     * with Digest for {@code nonce}.
     *
     * <p>Digest uses the realm and uri the client put in the header: the realm only salts HA1 (a
     * wrong realm yields a wrong response), and clients disagree on the uri form (with or without a
     * trailing slash or control suffix), so it is not compared to the request line; the server's
     * nonce binds the answer to this server.
     */
    public static boolean verify(RtspRequest req, String user, String pass, String nonce) {
        String auth = req.headers().get(RtspHeaders.AUTHORIZATION);
        if (auth == null) {
            return false;
        }
        String a = auth.trim();
        int sp = a.indexOf(' ');
        String scheme = sp < 0 ? a : a.substring(0, sp);
        String rest = sp < 0 ? "" : a.substring(sp + 1).trim();
        if (scheme.equalsIgnoreCase("Basic")) {
            byte[] got;
            try {
                got = Base64.getDecoder().decode(rest);
            } catch (IllegalArgumentException e) {
                return false;
            }
            return MessageDigest.isEqual(got, (user + ":" + pass).getBytes(StandardCharsets.UTF_8));
        }
        if (!scheme.equalsIgnoreCase("Digest")) {
            return false;
        }
        Map<String, String> p = params(rest);
        String realm = p.get("realm");
        String uri = p.get("uri");
        String response = p.get("response");
        String algorithm = p.getOrDefault("algorithm", "MD5");
        if (realm == null || uri == null || response == null || !user.equals(p.get("username"))
                || !nonce.equals(p.get("nonce")) || !algorithm.equalsIgnoreCase("MD5")) {
            return false;
        }
        String expected = digestResponse("MD5", user, realm, pass, req.method(), uri, nonce,
                p.get("qop"), p.get("nc"), p.get("cnonce"));
        if (expected == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The Authorization value answering a 401: Digest when offered (SHA-256 preferred over MD5),
     * else Basic.
     *
     * @param wwwAuthenticate all WWW-Authenticate values of the 401 response
     * @throws RtspProtocolException when no offered scheme is supported
     */
    public static String authorization(List<String> wwwAuthenticate, String user, String pass, String method,
            String uri) {
        return authorization(wwwAuthenticate, user, pass, method, uri, newNonce().substring(0, 16));
    }

    static String authorization(List<String> wwwAuthenticate, String user, String pass, String method, String uri,
            String cnonce) {
        Map<String, String> digest = null;
        String digestAlg = null;
        boolean basic = false;
        for (String h : wwwAuthenticate) {
            String v = h.trim();
            int sp = v.indexOf(' ');
            String scheme = sp < 0 ? v : v.substring(0, sp);
            if (scheme.equalsIgnoreCase("Basic")) {
                basic = true;
            } else if (scheme.equalsIgnoreCase("Digest")) {
                Map<String, String> p = params(sp < 0 ? "" : v.substring(sp + 1));
                String alg = p.getOrDefault("algorithm", "MD5").toUpperCase(Locale.ROOT);
                boolean usable = p.containsKey("nonce") && p.containsKey("realm")
                        && (alg.equals("MD5") || alg.equals("SHA-256"));
                if (usable && (digest == null || (alg.equals("SHA-256") && !digestAlg.equals("SHA-256")))) {
                    digest = p;
                    digestAlg = alg;
                }
            }
        }
        if (digest != null) {
            String realm = digest.get("realm");
            String nonce = digest.get("nonce");
            String qop = null;
            if (digest.containsKey("qop")) {
                for (String q : digest.get("qop").split(",")) {
                    if (q.trim().equalsIgnoreCase("auth")) {
                        qop = "auth";
                    }
                }
                if (qop == null) {
                    throw new RtspProtocolException(RtspStatus.UNAUTHORIZED, "unsupported Digest qop \""
                            + digest.get("qop") + "\", expected auth");
                }
            }
            String nc = "00000001";
            String response = digestResponse(digestAlg, user, realm, pass, method, uri, nonce, qop, nc, cnonce);
            StringBuilder sb = new StringBuilder("Digest username=\"").append(escape(user))
                    .append("\", realm=\"").append(escape(realm))
                    .append("\", nonce=\"").append(escape(nonce))
                    .append("\", uri=\"").append(escape(uri))
                    .append("\", response=\"").append(response).append('"');
            if (digest.containsKey("algorithm")) {
                sb.append(", algorithm=").append(digest.get("algorithm"));
            }
            if (digest.containsKey("opaque")) {
                sb.append(", opaque=\"").append(escape(digest.get("opaque"))).append('"');
            }
            if (qop != null) {
                sb.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(escape(cnonce)).append('"');
            }
            return sb.toString();
        }
        if (basic) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
        }
        throw new RtspProtocolException(RtspStatus.UNAUTHORIZED, "no supported authentication scheme in "
                + wwwAuthenticate + ", expected Basic or Digest (MD5, SHA-256)");
    }

    /** The Digest response, or null when qop=auth lacks nc/cnonce or names another qop. */
    static String digestResponse(String algorithm, String user, String realm, String pass, String method,
            String uri, String nonce, String qop, String nc, String cnonce) {
        String ha1 = hash(algorithm, user + ":" + realm + ":" + pass);
        String ha2 = hash(algorithm, method + ":" + uri);
        if (qop == null) {
            return hash(algorithm, ha1 + ":" + nonce + ":" + ha2);
        }
        if (!qop.equalsIgnoreCase("auth") || nc == null || cnonce == null) {
            return null;
        }
        return hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    private static String hash(String algorithm, String s) {
        try {
            return HEX.formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + algorithm, e);
        }
    }

    /** Parses {@code k=v, k="quoted, with \" escapes"} auth parameters; keys are lower-cased. */
    static Map<String, String> params(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',' || s.charAt(i) == '\t')) {
                i++;
            }
            int ks = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',') {
                i++;
            }
            String key = s.substring(ks, i).trim().toLowerCase(Locale.ROOT);
            String value = "";
            if (i < n && s.charAt(i) == '=') {
                i++;
                while (i < n && s.charAt(i) == ' ') {
                    i++;
                }
                StringBuilder v = new StringBuilder();
                if (i < n && s.charAt(i) == '"') {
                    i++;
                    while (i < n && s.charAt(i) != '"') {
                        if (s.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        v.append(s.charAt(i++));
                    }
                    i++; // closing quote
                } else {
                    while (i < n && s.charAt(i) != ',') {
                        v.append(s.charAt(i++));
                    }
                }
                value = v.toString().trim();
            }
            if (!key.isEmpty()) {
                out.putIfAbsent(key, value);
            }
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
