package io.sluice.protocol.webrtc;

/**
 * SkippedMedia is a stream media that a WebRTC peer will not get, and why.
 *
 * @param streamMedia index of the media in the stream's {@link io.sluice.stream.StreamDesc}
 * @param codec the codec's name, e.g. "AAC", "H264"
 * @param reason e.g. "AAC cannot be carried by WebRTC", "rejected by the remote"
 */
public record SkippedMedia(int streamMedia, String codec, String reason) {
}
