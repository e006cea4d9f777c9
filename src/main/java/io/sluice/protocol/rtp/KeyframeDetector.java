package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.sluice.stream.Codec;

/**
 * KeyframeDetector tells whether one RTP payload of a video codec carries keyframe data: the start of
 * a picture a decoder can begin with, or the parameter sets that precede it.
 *
 * <p>Implementations read the payload between {@code readerIndex} and {@code writerIndex} without
 * changing the indexes, never allocate (they run for every packet of every stream) and never throw:
 * a short or garbage payload is simply not a keyframe.
 */
public interface KeyframeDetector {

    /** Detector for codecs without keyframes (audio, unknown): always false. */
    KeyframeDetector NONE = (buf, offset, length) -> false;

    /**
     * True when the payload at {@code buf[offset, offset+length)} (absolute indexes) carries keyframe data.
     * This is the form to implement; it lets callers test a payload inside a packet without a slice.
     */
    boolean isKeyframe(ByteBuf buf, int offset, int length);

    /** True when this RTP payload (header already skipped, readable bytes only) carries keyframe data. */
    default boolean isKeyframe(ByteBuf rtpPayload) {
        return isKeyframe(rtpPayload, rtpPayload.readerIndex(), rtpPayload.readableBytes());
    }

    /** True when the whole RTP packet is valid ({@link RtpHeader#isValid}) and its payload carries keyframe data. */
    default boolean isKeyframePacket(ByteBuf rtpPacket) {
        int off = RtpHeader.payloadOffset(rtpPacket);
        return off >= 0 && isKeyframe(rtpPacket, rtpPacket.readerIndex() + off, RtpHeader.payloadLength(rtpPacket));
    }

    /** The detector of a codec; {@link #NONE} for codecs that have no keyframes or no detector. */
    static KeyframeDetector forCodec(Codec codec) {
        return switch (codec) {
            case H264 -> H264Keyframes.DETECTOR;
            case H265 -> H265Keyframes.DETECTOR;
            case AV1 -> Av1Keyframes.DETECTOR;
            case VP8 -> Vp8Keyframes.DETECTOR;
            case VP9 -> Vp9Keyframes.DETECTOR;
            case MPEG4_VIDEO -> Mpeg4VideoKeyframes.DETECTOR;
            case MPEG4_AUDIO, MPEG4_AUDIO_LATM, OPUS, G711_PCMU, G711_PCMA, G722, MPEG1_AUDIO, OTHER -> NONE;
        };
    }
}
