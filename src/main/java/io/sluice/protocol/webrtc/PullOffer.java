package io.sluice.protocol.webrtc;

import io.sluice.stream.MediaType;
import java.util.List;
import java.util.Objects;

/**
 * PullOffer is Sluice's offer to read a remote WebRTC stream (a WHEP pull source), kept until the remote's
 * answer is read by {@link WebrtcNegotiator#acceptPull}.
 *
 * @param sdp the offer
 * @param sections the m= sections as offered, in order: their mid, type and payload formats
 */
public record PullOffer(String sdp, List<Section> sections) {

    /** One offered recvonly section. */
    public record Section(String mid, MediaType type, List<RtpCodec> codecs) {
        public Section {
            Objects.requireNonNull(mid, "mid");
            Objects.requireNonNull(type, "type");
            codecs = List.copyOf(codecs);
        }

        /** The offered payload format with this payload type, or null. */
        RtpCodec codec(int payloadType) {
            for (RtpCodec c : codecs) {
                if (c.payloadType() == payloadType) {
                    return c;
                }
            }
            return null;
        }
    }

    public PullOffer {
        Objects.requireNonNull(sdp, "sdp");
        sections = List.copyOf(sections);
    }
}
