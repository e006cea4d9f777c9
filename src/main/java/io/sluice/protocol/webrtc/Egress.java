package io.sluice.protocol.webrtc;

import java.util.List;
import java.util.Objects;

/**
 * Egress is a negotiated sending session (WHEP reader or WHIP forward): Sluice's SDP, the stream
 * medias it sends and those it cannot.
 *
 * @param sdp Sluice's local description (the answer for WHEP, the offer for a WHIP forward)
 */
public record Egress(String sdp, List<EgressTrack> tracks, List<SkippedMedia> skipped) {

    public Egress {
        Objects.requireNonNull(sdp, "sdp");
        tracks = List.copyOf(tracks);
        skipped = List.copyOf(skipped);
    }
}
