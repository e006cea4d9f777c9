package io.sluice.server.webrtc;

/**
 * WebrtcAnswer is a created WHIP/WHEP session as the HTTP layer returns it.
 *
 * @param sessionId becomes the last segment of the Location URL, so it must match {@code [A-Za-z0-9_.~-]{1,128}}
 * @param sdp the SDP answer, the 201 response body
 * @param etag the ETag header value sent as is (quotes included, RFC 9110 §8.8.3), or null/"" for none
 */
record WebrtcAnswer(String sessionId, String sdp, String etag) {
}
