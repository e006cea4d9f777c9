package io.sluice.forward;

import io.sluice.net.webrtc.IcePair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * DestStats is a snapshot of one forward target: what the API, metrics and status page show.
 *
 * @param id stable id, unique within the path
 * @param url the target URL with credentials redacted
 * @param protocol "rtsp", "rtmp", "srt" or "whip"
 * @param state current state
 * @param since when the current state began
 * @param bytes RTP/media bytes handed to the target's socket (all sessions)
 * @param packets packets handed to the target's socket (all sessions)
 * @param dropped packets dropped because the target was too slow (all sessions)
 * @param reconnects sessions started after the first one
 * @param lastError the last error, "" when none (credentials redacted)
 * @param nextRetry when the next attempt starts while in BACKOFF, else null
 * @param tracks per media: forwarded or skipped with the reason (of the current or last session)
 * @param link the transport's own figures for the current or last session, by name (for SRT: RTT,
 *     loss, retransmits, send buffer, from libsrt); empty when the protocol has none
 * @param bridgedGaps times the path's publisher left and a new one took the stream over while this target
 *     kept its session (publisherGrace)
 * @param icePair a WebRTC (WHIP) target's selected ICE pair of the current or last session, null for other
 *     protocols and before the first connection
 */
public record DestStats(String id, String url, String protocol, DestState state, Instant since, long bytes,
        long packets, long dropped, long reconnects, String lastError, Instant nextRetry, List<TrackStatus> tracks,
        Map<String, Number> link, long bridgedGaps, IcePair icePair) {
    public DestStats {
        tracks = List.copyOf(tracks);
        link = Map.copyOf(link);
    }

    /** Figures of a target that has no ICE pair (not WebRTC, or not connected yet). */
    public DestStats(String id, String url, String protocol, DestState state, Instant since, long bytes,
            long packets, long dropped, long reconnects, String lastError, Instant nextRetry, List<TrackStatus> tracks,
            Map<String, Number> link, long bridgedGaps) {
        this(id, url, protocol, state, since, bytes, packets, dropped, reconnects, lastError, nextRetry, tracks, link,
                bridgedGaps, null);
    }

    /** Figures of a target that never bridged a publisher's reconnect. */
    public DestStats(String id, String url, String protocol, DestState state, Instant since, long bytes,
            long packets, long dropped, long reconnects, String lastError, Instant nextRetry, List<TrackStatus> tracks,
            Map<String, Number> link) {
        this(id, url, protocol, state, since, bytes, packets, dropped, reconnects, lastError, nextRetry, tracks, link,
                0);
    }

    /** The figures of a target that has not run: its configured state and zero counters. */
    public static DestStats idle(io.sluice.conf.ForwardDest d) {
        return new DestStats(d.id(), d.redactedUrl(), DestRunner.protocol(d.url()),
                d.enable() ? DestState.IDLE : DestState.DISABLED, null, 0, 0, 0, 0, "", null, List.of(), Map.of());
    }
}
