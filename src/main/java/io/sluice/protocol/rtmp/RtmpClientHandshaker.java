package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * RtmpClientHandshaker runs the client side of the RTMP handshake in a Netty pipeline: once the
 * channel is active it writes C0+C1 ({@link RtmpHandshake#clientHello}), waits for S0+S1+S2, writes
 * C2, fires {@link RtmpHandshake#COMPLETE} and replaces itself with a {@link RtmpChunkDecoder} named
 * {@link RtmpHandshake#DECODER_NAME}, which receives any bytes that came after S2.
 *
 * <p>It may be added before or after the channel becomes active. S2 is not checked, as most clients
 * do not: plain servers echo C1 and digest servers sign it, and neither changes what follows.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#52-handshake">RTMP spec §5.2</a>
 */
public final class RtmpClientHandshaker extends ByteToMessageDecoder {
    private boolean helloSent;
    private boolean failed;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            sendHello(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sendHello(ctx);
        super.channelActive(ctx);
    }

    private void sendHello(ChannelHandlerContext ctx) {
        if (!helloSent) {
            helloSent = true;
            ctx.writeAndFlush(Unpooled.wrappedBuffer(RtmpHandshake.clientHello()));
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws RtmpProtocolException {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        byte[] c2;
        try {
            if (in.isReadable()) {
                RtmpHandshake.checkVersion(in.getByte(in.readerIndex()), "S0");
            }
            if (in.readableBytes() < RtmpHandshake.S0S1S2_LENGTH) {
                return;
            }
            byte[] s0s1s2 = new byte[RtmpHandshake.S0S1S2_LENGTH];
            in.readBytes(s0s1s2);
            c2 = RtmpHandshake.clientAck(s0s1s2);
        } catch (RtmpProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(c2));
        ctx.fireUserEventTriggered(RtmpHandshake.COMPLETE);
        ctx.pipeline().replace(this, RtmpHandshake.DECODER_NAME, new RtmpChunkDecoder(RtmpHandshake.S0S1S2_LENGTH));
    }
}
