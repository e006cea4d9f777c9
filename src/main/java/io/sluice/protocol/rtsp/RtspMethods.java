package io.sluice.protocol.rtsp;

/**
 * RtspMethods names the RTSP 1.0 methods (RFC 2326 §10). Methods stay strings in messages because
 * a server must answer an unknown method with 501, not fail to decode it.
 */
public final class RtspMethods {
    public static final String OPTIONS = "OPTIONS";
    public static final String DESCRIBE = "DESCRIBE";
    public static final String ANNOUNCE = "ANNOUNCE";
    public static final String SETUP = "SETUP";
    public static final String PLAY = "PLAY";
    public static final String PAUSE = "PAUSE";
    public static final String RECORD = "RECORD";
    public static final String TEARDOWN = "TEARDOWN";
    public static final String GET_PARAMETER = "GET_PARAMETER";
    public static final String SET_PARAMETER = "SET_PARAMETER";
    public static final String REDIRECT = "REDIRECT";

    private RtspMethods() {
    }
}
