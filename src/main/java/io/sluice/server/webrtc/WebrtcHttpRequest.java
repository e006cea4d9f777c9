package io.sluice.server.webrtc;

/**
 * WebrtcHttpRequest is the part of an HTTP request the router reads, copied out of Netty's buffers
 * so it can cross to a virtual thread with nothing to release.
 *
 * @param uri the request target as sent, query included
 * @param contentType the Content-Type header, or null; likewise {@code authorization} and {@code ifMatch}
 * @param remote the peer as "ip:port" ("[v6]:port" for IPv6)
 */
record WebrtcHttpRequest(String method, String uri, String contentType, String authorization, String ifMatch,
                         String body, String remote) {
}
