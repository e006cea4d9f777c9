package io.sluice.protocol.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * RtspEncoder writes {@link RtspRequest}s, {@link RtspResponse}s and {@link InterleavedFrame}s to an
 * RTSP TCP connection.
 *
 * <p>Content-Length is computed from the body (any Content-Length header in the message is replaced
 * in place, or dropped for an empty body). An interleaved frame becomes a 4-byte header buffer
 * followed by the payload itself, not a copy; the frame's reference moves to the channel, which
 * releases it once written. Stateless, hence sharable.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2326#section-4">RFC 2326 §4 (message format)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc2326#section-10.12">RFC 2326 §10.12 (interleaved)</a>
 */
@ChannelHandler.Sharable
public final class RtspEncoder extends MessageToMessageEncoder<RtspMessage> {

    public RtspEncoder() {
        super(RtspMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtspMessage msg, List<Object> out) {
        switch (msg) {
            case InterleavedFrame f -> {
                ByteBuf header = ctx.alloc().buffer(4);
                writeInterleavedHeader(header, f.channel(), f.payload().readableBytes());
                out.add(header);
                // MessageToMessageEncoder releases the frame after encode(): retain the payload for the write
                out.add(f.payload().retain());
            }
            case RtspRequest r -> out.add(ctx.alloc().buffer().writeBytes(encode(r)));
            case RtspResponse r -> out.add(ctx.alloc().buffer().writeBytes(encode(r)));
        }
    }

    /** Writes the 4-byte interleaved frame header ('$', channel, 16-bit length). */
    public static void writeInterleavedHeader(ByteBuf out, int channel, int length) {
        if (channel < 0 || channel > 255 || length < 0 || length > RtspDecoder.MAX_INTERLEAVED_BYTES) {
            throw new IllegalArgumentException("invalid interleaved frame channel " + channel + " length " + length);
        }
        out.writeByte('$').writeByte(channel).writeShort(length);
    }

    /** The wire form of a request, for callers without a pipeline. */
    public static byte[] encode(RtspRequest r) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(r.method()).append(' ').append(r.uri()).append(" RTSP/1.0\r\n");
        return finish(sb, r.headers(), r.body());
    }

    /** The wire form of a response, for callers without a pipeline. */
    public static byte[] encode(RtspResponse r) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("RTSP/1.0 ").append(r.status()).append(' ').append(r.reason()).append("\r\n");
        return finish(sb, r.headers(), r.body());
    }

    private static byte[] finish(StringBuilder sb, RtspHeaders headers, byte[] body) {
        boolean[] wroteLength = {false};
        headers.forEach((name, value) -> {
            if (name.equalsIgnoreCase(RtspHeaders.CONTENT_LENGTH)) {
                if (body.length > 0 && !wroteLength[0]) {
                    sb.append(name).append(": ").append(body.length).append("\r\n");
                    wroteLength[0] = true;
                }
                return;
            }
            sb.append(name).append(": ").append(value).append("\r\n");
        });
        if (body.length > 0 && !wroteLength[0]) {
            sb.append(RtspHeaders.CONTENT_LENGTH).append(": ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (body.length == 0) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}
