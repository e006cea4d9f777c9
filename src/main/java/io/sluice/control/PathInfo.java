package io.sluice.control;

import java.time.Instant;
import java.util.List;

/**
 * PathInfo is one path as the API, metrics and status page show it.
 *
 * @param name the path name, e.g. "live/cam1"
 * @param confName the configuration entry it falls under ("live/cam1", "~^live/", "all_others")
 * @param ready whether a publisher's stream is up
 * @param readySince when the stream came up, null when not ready
 * @param source the publisher, null when none
 * @param tracks the stream's tracks, empty when not ready
 * @param bytesIn bytes received from the publisher of the current stream
 * @param packetsIn packets received from the publisher of the current stream
 * @param readers local reader sessions (forward targets are not counted)
 * @param targets ids of the forward targets of the path
 * @param gopCache what the stream's GOP cache holds and how many GOPs were too large for it
 * @param awaitingPublisher the publisher left and the path keeps its readers and forward targets, not
 *     ready, until a new publisher of the same stream takes over or publisherGrace ends
 * @param pull the figures of the path's pull source, null when its entry waits for a publisher
 * @param onDemand the state of a stream brought on demand (idle, starting, ready, closing), null when the
 *     path's entry does not bring it on demand
 * @param quality the stream's bitrate, picture size and frame rate now, {@link QualityInfo#NONE} when not ready
 */
public record PathInfo(String name, String confName, boolean ready, Instant readySince, SessionInfo source,
        List<TrackInfo> tracks, long bytesIn, long packetsIn, int readers, List<String> targets,
        GopCacheInfo gopCache, boolean awaitingPublisher, SourceStats pull, String onDemand, QualityInfo quality) {
    public PathInfo {
        tracks = List.copyOf(tracks);
        targets = List.copyOf(targets);
        java.util.Objects.requireNonNull(gopCache, "gopCache");
        java.util.Objects.requireNonNull(quality, "quality");
    }

    /** A path without quality figures (not ready, or a test). */
    public PathInfo(String name, String confName, boolean ready, Instant readySince, SessionInfo source,
            List<TrackInfo> tracks, long bytesIn, long packetsIn, int readers, List<String> targets,
            GopCacheInfo gopCache, boolean awaitingPublisher, SourceStats pull, String onDemand) {
        this(name, confName, ready, readySince, source, tracks, bytesIn, packetsIn, readers, targets, gopCache,
                awaitingPublisher, pull, onDemand, QualityInfo.NONE);
    }

    /**
     * What the stream's quality meter says now (the figures {@code when:} quality conditions read).
     *
     * @param bitrateKbps incoming bitrate over the last 5 s, kbit/s (RTP payloads of every track), -1
     *     while not known (the stream's first second, or no stream)
     * @param width main video width from its SPS, 0 when not known
     * @param height main video height from its SPS, 0 when not known
     * @param fps main video frame rate (the SPS's VUI timing, else measured), 0 when not known
     */
    public record QualityInfo(double bitrateKbps, int width, int height, double fps) {
        public static final QualityInfo NONE = new QualityInfo(-1, 0, 0, 0);
    }

    /** A path whose stream is not brought on demand. */
    public PathInfo(String name, String confName, boolean ready, Instant readySince, SessionInfo source,
            List<TrackInfo> tracks, long bytesIn, long packetsIn, int readers, List<String> targets,
            GopCacheInfo gopCache, boolean awaitingPublisher, SourceStats pull) {
        this(name, confName, ready, readySince, source, tracks, bytesIn, packetsIn, readers, targets, gopCache,
                awaitingPublisher, pull, null);
    }

    /** A path whose entry waits for a publisher. */
    public PathInfo(String name, String confName, boolean ready, Instant readySince, SessionInfo source,
            List<TrackInfo> tracks, long bytesIn, long packetsIn, int readers, List<String> targets,
            GopCacheInfo gopCache, boolean awaitingPublisher) {
        this(name, confName, ready, readySince, source, tracks, bytesIn, packetsIn, readers, targets, gopCache,
                awaitingPublisher, null, null);
    }


    /**
     * What a stream's GOP cache holds now.
     *
     * @param packets packets cached (every media, from the last keyframe on)
     * @param bytes RTP bytes cached
     * @param durationMillis media time the cache spans on the keyframe track
     * @param overflows GOPs past gopCacheMaxBytes or gopCacheMaxDuration, not cached (readers that
     *     joined during one waited for the next keyframe)
     */
    public record GopCacheInfo(int packets, long bytes, long durationMillis, long overflows) {
        public static final GopCacheInfo NONE = new GopCacheInfo(0, 0, 0, 0);
    }

    /** A path without GOP cache figures that is not waiting for its publisher (no stream, or a test). */
    public PathInfo(String name, String confName, boolean ready, Instant readySince, SessionInfo source,
            List<TrackInfo> tracks, long bytesIn, long packetsIn, int readers, List<String> targets) {
        this(name, confName, ready, readySince, source, tracks, bytesIn, packetsIn, readers, targets,
                GopCacheInfo.NONE, false, null, null);
    }

    /**
     * One track of a stream.
     *
     * @param type "video", "audio" or "application"
     * @param codec e.g. "H264", "Opus", "MPEG4-GENERIC"
     * @param clockRate RTP clock rate
     */
    public record TrackInfo(String type, String codec, int clockRate) {
    }
}
