package io.sluice.protocol.sdp;

/**
 * SdpException reports a session description that cannot be parsed or mapped to a stream; the
 * message names the offending line (and its 1-based number when it came from parsing).
 */
public final class SdpException extends Exception {
    private final int lineNumber;

    /** An error at a line of the parsed text; {@code lineNumber} is 1-based. */
    public SdpException(String message, int lineNumber, String line) {
        super(message + " at line " + lineNumber + ": \"" + line + "\"");
        this.lineNumber = lineNumber;
    }

    /** An error not tied to one line (e.g. when mapping a whole media to a stream). */
    public SdpException(String message) {
        super(message);
        this.lineNumber = 0;
    }

    /** The 1-based line number of the bad line, 0 when the error is not about one line. */
    public int lineNumber() {
        return lineNumber;
    }
}
