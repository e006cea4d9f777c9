package io.sluice.stream;

/**
 * GopCacheStats is what a stream's GOP cache holds now, for the API and metrics.
 *
 * @param packets packets cached (every media, from the last keyframe on)
 * @param bytes RTP bytes cached
 * @param durationMillis media time the cache spans on the keyframe track
 * @param overflows GOPs that exceeded gopCacheMaxBytes or gopCacheMaxDuration and were not cached
 *     (readers that joined during one waited for the next keyframe)
 */
public record GopCacheStats(int packets, long bytes, long durationMillis, long overflows) {
    public static final GopCacheStats NONE = new GopCacheStats(0, 0, 0, 0);
}
