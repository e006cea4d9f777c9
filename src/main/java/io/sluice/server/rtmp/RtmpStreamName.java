package io.sluice.server.rtmp;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtmpStreamName is what an RTMP publish or play names: the path ({@code app/key}, slashes trimmed)
 * and the query parameters that came on the app or on the stream name ({@code key?user=a&pass=b}),
 * which is where mediamtx takes RTMP credentials from.
 *
 * @param rawQuery the query as sent, without the '?' (the app's and the stream name's joined by '&amp;' when both
 *     have one; "" when none): mediamtx's MTX_QUERY. It may hold credentials (?pass=): never log it as is
 */
record RtmpStreamName(String path, Map<String, String> query, String rawQuery) {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpStreamName.class);

    /** Joins the connect command's app and the publish/play stream name. */
    static RtmpStreamName of(String app, String streamName) {
        String name = streamName == null ? "" : streamName;
        Map<String, String> q = new HashMap<>();
        StringJoiner raw = new StringJoiner("&");
        String appPart = app;
        int qi = appPart.indexOf('?');
        if (qi >= 0) {
            parseQuery(appPart.substring(qi + 1), q);
            addRaw(raw, appPart.substring(qi + 1));
            appPart = appPart.substring(0, qi);
        }
        qi = name.indexOf('?');
        if (qi >= 0) {
            parseQuery(name.substring(qi + 1), q);
            addRaw(raw, name.substring(qi + 1));
            name = name.substring(0, qi);
        }
        String path = stripSlashes(appPart.isEmpty() ? name : name.isEmpty() ? appPart : appPart + "/" + name);
        return new RtmpStreamName(path, q, raw.toString());
    }

    private static void addRaw(StringJoiner raw, String query) {
        if (!query.isEmpty()) {
            raw.add(query);
        }
    }

    private static void parseQuery(String s, Map<String, String> out) {
        for (String kv : s.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                try {
                    out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // a malformed %-escape: the parameter is ignored, so credentials count as missing
                    LOG.debug("ignoring query parameter with a bad escape: {}", e.getMessage());
                }
            }
        }
    }

    /** Without the query's values, which may be credentials. */
    @Override
    public String toString() {
        return "RtmpStreamName[" + path + (rawQuery.isEmpty() ? "" : "?***") + "]";
    }

    static String stripSlashes(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == '/') {
            a++;
        }
        while (b > a && s.charAt(b - 1) == '/') {
            b--;
        }
        return s.substring(a, b);
    }
}
