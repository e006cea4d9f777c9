package io.sluice.conf;

import java.util.regex.Pattern;

/** Redact masks credentials in URL strings before they reach logs, the API or toString(). */
public final class Redact {

    static final String MASK = "***";

    // userinfo = everything between "://" and the last '@' of the authority (before the first '/' or '?').
    private static final Pattern USERINFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?]*@");
    /** mediamtx's rtmp://host/app#streamKey: the fragment is a stream key, a secret. */
    private static final Pattern RTMP_FRAGMENT = Pattern.compile("(?i)^(rtmps?://[^#]*#)[^?]+");
    /**
     * Query parameters whose values are secrets: passwords, tokens, mediamtx's JWT ({@code ?jwt=}), stream keys and
     * other keys or secrets.
     */
    private static final String SECRET_NAMES = "pass|password|passphrase|token|jwt|key|secret";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i)" + SECRET_NAMES);
    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)([?&;](?:" + SECRET_NAMES + ")=)[^&;#]*");

    /** A URL's userinfo anywhere in a text: scheme://user[:pass]@ (the user part has no spaces). */
    private static final Pattern USERINFO_IN_TEXT = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?@\\s]*@");

    private Redact() {
    }

    /**
     * Returns a message (an error text, a log line) with the credentials of every URL in it masked:
     * exceptions from sockets and peers quote URLs, and these texts reach logs and the API.
     */
    public static String text(String message) {
        if (message == null) {
            return "null";
        }
        String s = USERINFO_IN_TEXT.matcher(message).replaceAll("$1" + MASK + "@");
        return SECRET_PARAM.matcher(s).replaceAll("$1" + MASK);
    }

    /**
     * Returns raw with "user:pass@" replaced by "***@", an rtmp(s) stream key written as "#key" by "#***", and the
     * values of secret query parameters ({@link #isSecretParam}) replaced by "***". Works on any string, valid URL or not, because
     * it is also used to print URLs that failed to parse.
     */
    public static String url(String raw) {
        if (raw == null) {
            return "null";
        }
        String s = USERINFO.matcher(raw).replaceFirst("$1" + MASK + "@");
        s = RTMP_FRAGMENT.matcher(s).replaceFirst("$1" + MASK);
        return SECRET_PARAM.matcher(s).replaceAll("$1" + MASK);
    }

    /** Whether a query parameter of this name holds a secret (its value is masked in URLs and logs). */
    public static boolean isSecretParam(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /** "***" for a non-empty secret, "" for an empty one, so a dump still shows whether it is set. */
    static String secret(String s) {
        return s == null || s.isEmpty() ? "" : MASK;
    }
}
