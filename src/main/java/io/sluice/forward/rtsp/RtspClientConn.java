package io.sluice.forward.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sluice.protocol.rtsp.InterleavedFrame;
import io.sluice.protocol.rtsp.RtspResponse;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * RtspClientConn is the inbound side of an RTSP client connection: it hands responses to the control
 * thread that waits for them, passes interleaved RTCP (the target's receiver reports) on, and drops
 * what a recording client does not need.
 */
final class RtspClientConn extends ChannelInboundHandlerAdapter {
    private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    private volatile Runnable onWritable = () -> { };
    private volatile BiConsumer<Integer, ByteBuf> onRtcp = (ch, b) -> { };
    private volatile Throwable failure;

    void onWritable(Runnable r) {
        onWritable = r;
    }

    /** Where interleaved RTCP (odd channels) goes: given the channel; must not release the buffer. */
    void onRtcp(BiConsumer<Integer, ByteBuf> handler) {
        onRtcp = handler;
    }

    /** Waits for the next response; throws when the connection fails or the wait times out. */
    RtspResponse next(long timeoutMs) throws IOException, InterruptedException {
        Object o = responses.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new IOException("no response within " + timeoutMs + " ms");
        }
        if (o instanceof RtspResponse r) {
            return r;
        }
        throw new IOException("connection closed" + (failure != null ? ": " + failure.getMessage() : ""), failure);
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RtspResponse r) {
            responses.add(r);
        } else if (msg instanceof InterleavedFrame f && (f.channel() & 1) == 1) {
            try {
                onRtcp.accept(f.channel(), f.payload()); // receiver reports: link figures
            } finally {
                f.payload().release();
            }
        } else {
            // interleaved RTP and server requests are not needed to record
            ReferenceCountUtil.release(msg);
        }
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
