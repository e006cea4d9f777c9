package io.sluice.conf;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * GopCacheConf bounds each stream's GOP cache: the packets since the last keyframe that a reader or
 * forward target that joins mid-stream gets first, so that it can decode at once.
 *
 * <p>Defaults: 64 MiB holds a 10 s GOP at 50 Mbit/s (20 Mbit/s × 10 s is 25 MB), and 12 s covers the
 * 10 s keyframe interval that some cameras use, with room for jitter. A GOP past either bound is not
 * cached (counted and logged): readers joining then wait for the next keyframe. The cached packets are
 * shared with the live fan-out, so a cache costs memory only for the part readers already got.
 *
 * @param maxBytes most RTP bytes the cache holds; 0 disables the cache
 * @param maxDuration longest GOP (in media time of the keyframe track) the cache holds; 0 disables it
 */
public record GopCacheConf(long maxBytes, Duration maxDuration) {
    static final long MAX_BYTES = 1L << 30;
    static final Duration MAX_DURATION = Duration.ofMinutes(1);

    static final Key<Long> MAX_BYTES_KEY = Key.of("gopCacheMaxBytes", 64L << 20, v -> {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new BadValue("wrong type: expected an integer, got " + ConfNode.describe(v),
                    "0 (no cache).." + MAX_BYTES);
        }
        checkBytes(v.longValue());
        return v.longValue();
    });
    static final Key<Duration> MAX_DURATION_KEY = Key.of("gopCacheMaxDuration", Duration.ofSeconds(12), v -> {
        Duration t = ConfNode.duration(v);
        checkDuration(t);
        return t;
    });

    static final KeyTable<GopCacheConf> KEYS = new KeyTable<>(List.of(MAX_BYTES_KEY, MAX_DURATION_KEY), MAX_BYTES_KEY,
            v -> new GopCacheConf(v.get(MAX_BYTES_KEY), v.get(MAX_DURATION_KEY)));

    public static final GopCacheConf DEFAULT = KEYS.defaults();

    public GopCacheConf {
        checkBytes(maxBytes);
        checkDuration(Objects.requireNonNull(maxDuration, "maxDuration"));
    }

    /** False when either bound is 0: nothing is cached. */
    public boolean enabled() {
        return maxBytes > 0 && !maxDuration.isZero();
    }

    static void checkBytes(long n) {
        if (n < 0 || n > MAX_BYTES) {
            throw new BadValue("gopCacheMaxBytes " + n + " out of range", "0 (no cache).." + MAX_BYTES);
        }
    }

    static void checkDuration(Duration d) {
        if (d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
            throw new BadValue("gopCacheMaxDuration " + d + " out of range", "0s (no cache)..60s");
        }
    }
}
