package io.sluice.protocol.rtp;

/**
 * RtpFormatException reports an invalid or unsupported payload format description: an SDP fmtp
 * parameter or the codec configuration it carries (sprop-parameter-sets, AudioSpecificConfig, ...).
 * The message names the parameter and its value.
 */
public final class RtpFormatException extends RtpException {

    public RtpFormatException(String message) {
        super(message);
    }
}
