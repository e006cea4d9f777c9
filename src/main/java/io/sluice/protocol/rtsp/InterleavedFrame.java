package io.sluice.protocol.rtsp;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.PayloadRefCounted;

/**
 * InterleavedFrame is one RTP or RTCP packet carried inside the RTSP TCP connection
 * ('$', channel, 16-bit length, data).
 *
 * <p>Ownership: the frame owns one reference to {@link #payload()}, which {@link RtspDecoder} makes a
 * retained slice of its input (no copy). The receiver releases the frame, or passes the payload on
 * and lets the next owner release it. {@link RtspEncoder} releases frames it writes.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2326#section-10.12">RFC 2326 §10.12</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7826#section-14">RFC 7826 §14</a>
 */
public final class InterleavedFrame implements RtspMessage, PayloadRefCounted<InterleavedFrame> {
    private final int channel;
    private final ByteBuf payload;

    /**
     * @param channel the interleaved channel, 0..255
     * @param payload the packet; one reference moves into this frame
     */
    public InterleavedFrame(int channel, ByteBuf payload) {
        if (channel < 0 || channel > 255) {
            throw new IllegalArgumentException("invalid interleaved channel " + channel + ", expected 0..255");
        }
        if (payload.readableBytes() > RtspDecoder.MAX_INTERLEAVED_BYTES) {
            throw new IllegalArgumentException("interleaved payload of " + payload.readableBytes()
                    + " bytes exceeds " + RtspDecoder.MAX_INTERLEAVED_BYTES);
        }
        this.channel = channel;
        this.payload = payload;
    }

    public int channel() {
        return channel;
    }

    /** The packet bytes; do not change them, other readers may share them. */
    @Override
    public ByteBuf payload() {
        return payload;
    }

    @Override
    public String toString() {
        return "InterleavedFrame[channel=" + channel + ", " + payload.readableBytes() + "B]";
    }
}
