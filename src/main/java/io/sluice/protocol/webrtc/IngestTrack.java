package io.sluice.protocol.webrtc;

/**
 * IngestTrack is one accepted media of a WHIP publisher: how to recognise its RTP packets and which
 * feedback Sluice may send for it.
 *
 * @param media index of the media in {@link Ingest#desc()}
 * @param payloadType the negotiated payload type (the offer's)
 * @param ssrc the offered primary SSRC, -1 when the offer had no {@code a=ssrc} (then demux by mid or PT)
 * @param rtxPayloadType the RTX payload type kept in the answer, -1 if none
 * @param rtxSsrc the offered RTX SSRC (a=ssrc-group:FID), -1 if none
 * @param nack the answer keeps rtcp-fb "nack"
 * @param pli the answer keeps "nack pli"
 * @param fir the answer keeps "ccm fir"
 * @param midExtId the id of the sdes:mid header extension kept in the answer, -1 if none
 */
public record IngestTrack(int media, String mid, int payloadType, long ssrc, int rtxPayloadType, long rtxSsrc,
        boolean nack, boolean pli, boolean fir, int midExtId) {
}
