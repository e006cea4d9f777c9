package io.sluice.source.srt;

import io.sluice.conf.DestUrl;
import io.sluice.net.srt.SrtOptions;
import java.time.Duration;
import java.util.Map;

/**
 * SrtSourceOptions reads the caller options of a pulled SRT stream from its URL's query, with mediamtx's
 * names: {@code streamid}, {@code passphrase}, {@code pbkeylen}, {@code latency} (ms); libsrt's defaults for
 * what is not there. A bad value is an error that names the key (never a passphrase's value).
 */
final class SrtSourceOptions {
    private SrtSourceOptions() {
    }

    /**
     * @param connectTimeout bound of the handshake
     * @param readTimeout silence after which libsrt breaks the connection (SRTO_PEERIDLETIMEO)
     * @throws IllegalArgumentException naming the key and the bad value
     */
    static SrtOptions of(DestUrl.Srt url, Duration connectTimeout, Duration readTimeout) {
        Map<String, String> q = url.query();
        SrtOptions d = SrtOptions.defaults();
        int latency = number(q, "latency", d.latencyMs());
        int pbkeylen = number(q, "pbkeylen", d.pbkeylen());
        try {
            return new SrtOptions(latency, q.getOrDefault("passphrase", ""), pbkeylen, q.getOrDefault("streamid", ""),
                    millis(connectTimeout), millis(readTimeout));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("srt source " + url + ": " + e.getMessage(), e);
        }
    }

    private static int number(Map<String, String> q, String key, int otherwise) {
        String v = q.get(key);
        if (v == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("srt source: " + key + " '" + v + "' is not a whole number", e);
        }
    }

    private static int millis(Duration d) {
        return (int) Math.clamp(d.toMillis(), 1, Integer.MAX_VALUE);
    }
}
