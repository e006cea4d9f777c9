package io.sluice.net.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.sluice.net.TcpConnector;
import io.sluice.protocol.rtsp.InterleavedFrame;
import io.sluice.protocol.rtsp.RtspDecoder;
import io.sluice.protocol.rtsp.RtspEncoder;
import io.sluice.protocol.rtsp.RtspResponse;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * RtspClientConn is the inbound side of an RTSP client connection, shared by the RTSP forward target (RECORD)
 * and the RTSP pull source (PLAY): it hands responses to the control thread that waits for them, and passes
 * interleaved RTP and RTCP to whoever wants them (a recording client drops RTP and reads receiver reports; a
 * playing client writes RTP to its stream and reads sender reports).
 *
 * <p>Handlers are set before the request that makes the server send packets; they run on the connection's
 * event loop.
 */
public final class RtspClientConn extends ChannelInboundHandlerAdapter {
    private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    private volatile Runnable onWritable = () -> { };
    private volatile Runnable onReadComplete = () -> { };
    private volatile BiConsumer<Integer, ByteBuf> onRtcp = (ch, b) -> { };
    private volatile BiConsumer<Integer, ByteBuf> onRtp = (ch, b) -> b.release();
    private volatile Throwable failure;

    /**
     * Opens the connection with the RTSP codec and this handler in its pipeline.
     *
     * @see TcpConnector#connect
     */
    public Channel connect(TcpConnector connector, EventLoop loop, SslContext tls, Consumer<Channel> opened,
            BooleanSupplier closed) throws InterruptedException, IOException {
        return connector.connect(loop, tls, opened, closed, new RtspDecoder(), new RtspEncoder(), this);
    }

    public void onWritable(Runnable r) {
        onWritable = r;
    }

    /** Called after each read batch, for the stream's batchEnd. */
    public void onReadComplete(Runnable r) {
        onReadComplete = r;
    }

    /** Where interleaved RTCP (odd channels) goes: given the channel; must not release the buffer. */
    public void onRtcp(BiConsumer<Integer, ByteBuf> handler) {
        onRtcp = handler;
    }

    /** Where interleaved RTP (even channels) goes: given the channel; the handler owns the buffer. */
    public void onRtp(BiConsumer<Integer, ByteBuf> handler) {
        onRtp = handler;
    }

    /** Waits for the next response; throws when the connection fails or the wait times out. */
    public RtspResponse next(long timeoutMs) throws IOException, InterruptedException {
        Object o = responses.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new IOException("no response within " + timeoutMs + " ms");
        }
        if (o instanceof RtspResponse r) {
            return r;
        }
        throw new IOException("connection closed" + (failure != null ? ": " + failure.getMessage() : ""), failure);
    }

    public Throwable failure() {
        return failure;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RtspResponse r) {
            if (!RtspClientSession.isKeepaliveAnswer(r)) { // nobody waits for keepalive answers
                responses.add(r);
            }
        } else if (msg instanceof InterleavedFrame f && (f.channel() & 1) == 1) {
            try {
                onRtcp.accept(f.channel(), f.payload());
            } finally {
                f.payload().release();
            }
        } else if (msg instanceof InterleavedFrame f) {
            onRtp.accept(f.channel(), f.payload());
        } else {
            // requests from the server (a few send GET_PARAMETER) need no answer from a client
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        onReadComplete.run();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            onWritable.run();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failure = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        responses.add(Boolean.FALSE);
    }
}
