package io.sluice.protocol.rtsp;

/**
 * RtspMessage is anything that travels on an RTSP TCP connection: a request, a response, or an
 * interleaved RTP/RTCP frame. Switch over it without {@code default}.
 */
public sealed interface RtspMessage permits RtspRequest, RtspResponse, InterleavedFrame {
}
