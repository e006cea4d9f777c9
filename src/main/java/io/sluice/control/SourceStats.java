package io.sluice.control;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * SourceStats is a snapshot of one path's pull source: what the API, metrics and status page show, as
 * {@link io.sluice.forward.DestStats} is for a forward target.
 *
 * @param type mediamtx's name of the source's kind: "rtspSource", "rtmpSource", "srtSource", "webRTCSource",
 *     "udpSource" (with an "s" after the protocol for TLS: "rtspsSource", "rtmpsSource")
 * @param url the source URL with credentials redacted
 * @param state current state
 * @param since when the current state began
 * @param bytes bytes received from the remote and published on the path (all sessions)
 * @param packets packets received and published (all sessions)
 * @param reconnects sessions started after the first one
 * @param lastError the last error, "" when none (credentials redacted)
 * @param nextRetry when the next attempt starts while in BACKOFF, else null
 * @param tracks the codecs of the current or last session's tracks, e.g. ["H264", "MPEG4-GENERIC"]
 * @param link the transport's own figures for the current session (RTT, loss, jitter), empty when none
 */
public record SourceStats(String type, String url, SourceState state, Instant since, long bytes, long packets,
        long reconnects, String lastError, Instant nextRetry, List<String> tracks, Map<String, Number> link) {
    public SourceStats {
        tracks = List.copyOf(tracks);
        link = Map.copyOf(link);
    }
}
