package io.sluice.protocol.webrtc;

/**
 * IngestFeedback is the congestion feedback Sluice sends a WHIP publisher, as its answer negotiated it:
 * transport-wide congestion control feedback when the publisher offered the transport-cc header
 * extension and rtcp-fb (the sender estimates from arrival times), else REMB when it offered goog-remb
 * (Sluice estimates). The answer offers only the one Sluice sends.
 *
 * @param transportCcExtId the id of the transport-wide sequence number header extension, -1 when
 *     transport-cc was not negotiated
 * @param remb REMB is sent (only without transport-cc)
 * @param absSendTimeExtId the id of the abs-send-time header extension that feeds the REMB estimate's
 *     delay signal, -1 when not negotiated
 */
public record IngestFeedback(int transportCcExtId, boolean remb, int absSendTimeExtId) {
    public static final IngestFeedback NONE = new IngestFeedback(-1, false, -1);

    public boolean transportCc() {
        return transportCcExtId > 0;
    }
}
