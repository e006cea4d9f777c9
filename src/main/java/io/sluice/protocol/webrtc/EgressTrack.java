package io.sluice.protocol.webrtc;

import io.sluice.stream.Format;

/**
 * EgressTrack is one stream media Sluice sends to a WebRTC peer: the m= section and payload type it
 * goes out with, and the feedback the peer may send for it.
 *
 * @param streamMedia index of the media in the stream's {@link io.sluice.stream.StreamDesc}
 * @param payloadType the negotiated payload type to write into forwarded packets
 * @param ssrc Sluice's SSRC for this media
 * @param format the stream's format (clock rate etc.), as the publisher announced it
 * @param nack the peer negotiated rtcp-fb "nack"
 * @param pli the peer negotiated "nack pli"
 * @param fir the peer negotiated "ccm fir"
 */
public record EgressTrack(int streamMedia, String mid, int payloadType, long ssrc, Format format, boolean nack,
        boolean pli, boolean fir) {
}
