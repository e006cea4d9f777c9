package io.sluice.server.rtmp;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtmpStreamName is what an RTMP publish or play names: the path ({@code app/key}, slashes trimmed)
 * and the query parameters that came on the app or on the stream name ({@code key?user=a&pass=b}),
 * which is where mediamtx takes RTMP credentials from.
 */
record RtmpStreamName(String path, Map<String, String> query) {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpStreamName.class);

    /** Joins the connect command's app and the publish/play stream name. */
    static RtmpStreamName of(String app, String streamName) {
        String name = streamName == null ? "" : streamName;
        Map<String, String> q = new HashMap<>();
        String appPart = app;
        int qi = appPart.indexOf('?');
        if (qi >= 0) {
            parseQuery(appPart.substring(qi + 1), q);
            appPart = appPart.substring(0, qi);
        }
        qi = name.indexOf('?');
        if (qi >= 0) {
            parseQuery(name.substring(qi + 1), q);
            name = name.substring(0, qi);
        }
        String path = stripSlashes(appPart.isEmpty() ? name : name.isEmpty() ? appPart : appPart + "/" + name);
        return new RtmpStreamName(path, q);
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
