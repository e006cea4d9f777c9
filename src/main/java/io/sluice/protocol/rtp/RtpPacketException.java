package io.sluice.protocol.rtp;

/**
 * RtpPacketException reports one malformed RTP or RTCP packet or payload (RFC 3550 §5.1, §6.4,
 * and the payload format RFCs); the message names the bad value and its byte offset.
 *
 * <p>The packet is dropped; the stream it belongs to goes on.
 */
public final class RtpPacketException extends RtpException {

    public RtpPacketException(String message) {
        super(message);
    }
}
