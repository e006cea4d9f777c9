package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;

/**
 * RtmpAckWindow is the receiving side's part of RTMP flow control (spec §5.4.3, §5.4.4): once the
 * peer announced a window with WINDOW_ACK_SIZE, an ACK is due each time that many more bytes came in.
 * It also answers ping requests. One per connection, used on its event loop only.
 */
public final class RtmpAckWindow {
    private long window;
    private long lastAck;
    private RtmpChunkDecoder decoder;

    /**
     * Takes the protocol control messages this class handles (WINDOW_ACK_SIZE, ping requests) and
     * returns what to send back now: a ping response, an ACK, or null.
     */
    public RtmpMessage onMessage(RtmpMessage m, ChannelPipeline pipeline) {
        ByteBuf p = m.payload();
        if (m.typeId() == RtmpMessageType.WINDOW_ACK_SIZE && p.readableBytes() >= 4) {
            window = p.getUnsignedInt(p.readerIndex());
        } else if (m.typeId() == RtmpMessageType.USER_CONTROL && p.readableBytes() >= 6
                && p.getUnsignedShort(p.readerIndex()) == RtmpMessage.EVENT_PING_REQUEST) {
            return RtmpMessage.pingResponse(p.getUnsignedInt(p.readerIndex() + 2));
        }
        return ackDue(pipeline);
    }

    private RtmpMessage ackDue(ChannelPipeline pipeline) {
        if (window <= 0) {
            return null;
        }
        if (decoder == null) {
            // looked up once: the handshaker puts the decoder in the pipeline when it completes
            decoder = pipeline.get(RtmpChunkDecoder.class);
            if (decoder == null) {
                return null;
            }
        }
        long received = decoder.bytesReceived();
        if (received - lastAck < window) {
            return null;
        }
        lastAck = received;
        return RtmpMessage.ack(received & 0xffffffffL);
    }
}
