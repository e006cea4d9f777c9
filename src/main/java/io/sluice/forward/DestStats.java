package io.sluice.forward;

import java.time.Instant;
import java.util.List;

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
 */
public record DestStats(String id, String url, String protocol, DestState state, Instant since, long bytes,
        long packets, long dropped, long reconnects, String lastError, Instant nextRetry, List<TrackStatus> tracks) {
}
