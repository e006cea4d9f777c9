package io.sluice.server.webrtc;

import java.util.List;

/**
 * WebrtcSessions is what the HTTP layer needs from the WebRTC session layer.
 *
 * <p>Every method is called on a virtual thread of the WebRTC HTTP listener ({@link WebrtcHttpRouter}),
 * never on an event loop, so it may block (e.g. while ICE candidates are gathered). The thread is
 * interrupted when the listener closes. A path name has been checked against the path-name rule ({@code PathNames}) with no
 * "..", no empty or "." segment, and a session id against {@code [A-Za-z0-9_.~-]{1,128}}.
 */
interface WebrtcSessions {
    /** WHIP publish. @return the created session */
    WebrtcAnswer publish(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress)
            throws WebrtcHttpException;

    /** WHEP read. */
    WebrtcAnswer read(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress)
            throws WebrtcHttpException;

    /** WHIP publish with the query the client sent ({@code /cam/whip?x=1}: "x=1"), its hooks' MTX_QUERY. */
    default WebrtcAnswer publish(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress,
            String query) throws WebrtcHttpException {
        return publish(path, offerSdp, credentials, remoteAddress);
    }

    /** WHEP read with the query the client sent, its hooks' MTX_QUERY. */
    default WebrtcAnswer read(String path, String offerSdp, WebrtcCredentials credentials, String remoteAddress,
            String query) throws WebrtcHttpException {
        return read(path, offerSdp, credentials, remoteAddress);
    }

    /**
     * Trickle ICE / ICE restart (RFC 9725 §4.3): body is an application/trickle-ice-sdpfrag. Returns
     * null for 204, or an sdpfrag for 200. {@code ifMatch} is the If-Match header as sent, "" when absent.
     */
    String patch(String path, String sessionId, String sdpFrag, String ifMatch) throws WebrtcHttpException;

    /** Ends the session. */
    void delete(String path, String sessionId) throws WebrtcHttpException;

    /** ICE servers to advertise in Link headers (RFC 9725 §4.4), already formatted as Link header values. */
    List<String> iceServerLinks();

    /**
     * Counts a request refused for its path name before it reached the session layer; returns whether it
     * was counted and logged (rate-limited) there, so the HTTP layer need not log it again.
     */
    default boolean badPathName(String remoteAddress, String reason) {
        return false;
    }
}
