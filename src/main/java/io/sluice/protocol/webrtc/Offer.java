package io.sluice.protocol.webrtc;

import java.util.List;
import java.util.Objects;

/**
 * Offer is Sluice's WHIP offer for forwarding a stream, kept until the remote's answer is read by
 * {@link WebrtcNegotiator#acceptAnswer}.
 *
 * @param sdp the offer; "" when no media of the stream can be carried (then {@code tracks} is empty
 *     and there is nothing to send)
 * @param tracks one per m= section, in order, with the payload type and mid as offered
 */
public record Offer(String sdp, List<EgressTrack> tracks, List<SkippedMedia> skipped) {

    public Offer {
        Objects.requireNonNull(sdp, "sdp");
        tracks = List.copyOf(tracks);
        skipped = List.copyOf(skipped);
    }
}
