package io.sluice.protocol.rtp;

/**
 * RtpException is the root of the errors raised by the RTP/RTCP codecs of this package: a malformed
 * packet ({@link RtpPacketException}) or an invalid or unsupported payload format
 * ({@link RtpFormatException}).
 *
 * <p>It is unchecked because the codecs run per packet inside I/O loops whose top classifies
 * exceptions by type (STYLE point 22); every method that throws it says so in its Javadoc.
 */
public sealed class RtpException extends RuntimeException permits RtpPacketException, RtpFormatException {

    RtpException(String message) {
        super(message);
    }
}
