package io.sluice.net.webrtc;

/** IceTcpException is a connection to the ICE-TCP port that does not start as RFC 6544 says: it is closed. */
final class IceTcpException extends WebrtcException {
    IceTcpException(String message) {
        super(message);
    }
}
