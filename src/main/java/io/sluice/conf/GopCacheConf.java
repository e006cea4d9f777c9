package io.sluice.conf;

import java.time.Duration;
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
    public static final GopCacheConf DEFAULT = new GopCacheConf(64L << 20, Duration.ofSeconds(12));

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
