package io.sluice.protocol.webrtc;

import io.sluice.stream.StreamDesc;
import java.util.List;
import java.util.Objects;

/**
 * Ingest is Sluice's answer to a WHIP publisher's offer and what the publisher will send.
 *
 * @param desc the published stream: one media per accepted m= section in offer order, whose control
 *     is the mid and whose single format is the chosen payload format (original PT, fmtp, clock, channels)
 * @param tracks {@code tracks.get(i)} describes {@code desc.medias().get(i)}
 * @param feedback the congestion feedback the answer negotiated
 */
public record Ingest(String answerSdp, StreamDesc desc, List<IngestTrack> tracks, IngestFeedback feedback) {

    public Ingest {
        Objects.requireNonNull(answerSdp, "answerSdp");
        Objects.requireNonNull(desc, "desc");
        Objects.requireNonNull(feedback, "feedback");
        tracks = List.copyOf(tracks);
    }

    /** An ingest without congestion feedback. */
    public Ingest(String answerSdp, StreamDesc desc, List<IngestTrack> tracks) {
        this(answerSdp, desc, tracks, IngestFeedback.NONE);
    }
}
