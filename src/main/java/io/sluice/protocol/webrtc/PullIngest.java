package io.sluice.protocol.webrtc;

import io.sluice.stream.StreamDesc;
import java.util.List;
import java.util.Objects;

/**
 * PullIngest is what a remote WebRTC server will send Sluice's pull source, read from its answer: the stream
 * it becomes and how to recognise each track's RTP, as {@link Ingest} is for a WHIP publisher.
 *
 * @param desc one media per section the remote sends in, in answer order, whose control is the mid and whose
 *     single format is the answered payload format
 * @param tracks {@code tracks.get(i)} describes {@code desc.medias().get(i)}
 * @param skipped the offered sections the remote does not send in, and why ("mid 1 audio: rejected")
 */
public record PullIngest(StreamDesc desc, List<IngestTrack> tracks, List<String> skipped) {

    public PullIngest {
        Objects.requireNonNull(desc, "desc");
        tracks = List.copyOf(tracks);
        skipped = List.copyOf(skipped);
    }
}
