package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * RtmpServerHandshaker runs the server side of the RTMP handshake in a Netty pipeline: it waits for
 * C0+C1, writes S0+S1+S2 ({@link RtmpHandshake#serverResponse}), waits for C2, fires
 * {@link RtmpHandshake#COMPLETE} and replaces itself with a {@link RtmpChunkDecoder} named
 * {@link RtmpHandshake#DECODER_NAME}, which receives any bytes that came after C2.
 *
 * <p>C2 is not checked: clients fill it inconsistently (echo of S1, or a digest reply) and nothing
 * that follows depends on it. A first byte other than 3 fails at once instead of after 1537 bytes,
 * so that an HTTP or TLS client gets a clear error. Timeouts are the caller's business.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#52-handshake">RTMP spec §5.2</a>
 */
public final class RtmpServerHandshaker extends ByteToMessageDecoder {
    private boolean responded;
    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws RtmpProtocolException {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            if (!responded) {
                if (in.isReadable()) {
                    RtmpHandshake.checkVersion(in.getByte(in.readerIndex()), "C0");
                }
                if (in.readableBytes() < RtmpHandshake.C0C1_LENGTH) {
                    return;
                }
                byte[] c0c1 = new byte[RtmpHandshake.C0C1_LENGTH];
                in.readBytes(c0c1);
                ctx.writeAndFlush(Unpooled.wrappedBuffer(RtmpHandshake.serverResponse(c0c1)));
                responded = true;
            }
        } catch (RtmpProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
        if (in.readableBytes() < RtmpHandshake.C2_LENGTH) {
            return;
        }
        in.skipBytes(RtmpHandshake.C2_LENGTH);
        ctx.fireUserEventTriggered(RtmpHandshake.COMPLETE);
        ctx.pipeline().replace(this, RtmpHandshake.DECODER_NAME,
                new RtmpChunkDecoder(RtmpHandshake.C0C1_LENGTH + RtmpHandshake.C2_LENGTH));
    }
}
