package io.sluice.forward.rtmp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.sluice.protocol.rtmp.RtmpAckWindow;
import io.sluice.protocol.rtmp.RtmpCommand;
import io.sluice.protocol.rtmp.RtmpHandshake;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.protocol.rtmp.RtmpMessageType;
import io.sluice.protocol.rtmp.RtmpProtocolException;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * RtmpClientConn is the inbound side of an RTMP publishing client: it hands command replies to the
 * control thread that waits for them, answers pings, acknowledges the server's window, and drops
 * everything else.
 */
final class RtmpClientConn extends ChannelInboundHandlerAdapter {
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile Runnable onWritable = () -> { };
    private volatile Throwable failure;
    private final RtmpAckWindow ackWindow = new RtmpAckWindow();

    void onWritable(Runnable r) {
        onWritable = r;
    }

    /** Waits for the handshake to complete. */
    void awaitHandshake(long timeoutMs) throws IOException, InterruptedException {
        Object o = poll(timeoutMs, "handshake");
        if (o != RtmpHandshake.COMPLETE) {
            throw new IOException("unexpected " + o + " during the handshake");
        }
    }

    /** Waits for the next command from the server. */
    RtmpCommand next(long timeoutMs, String waitingFor) throws IOException, InterruptedException {
        Object o = poll(timeoutMs, waitingFor);
        if (o instanceof RtmpCommand c) {
            return c;
        }
        throw new IOException("unexpected " + o + " while waiting for " + waitingFor);
    }

    private Object poll(long timeoutMs, String waitingFor) throws IOException, InterruptedException {
        Object o = events.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new IOException("no " + waitingFor + " response within " + timeoutMs + " ms");
        }
        if (o == Boolean.FALSE) {
            throw new IOException("connection closed" + (failure != null ? ": " + failure.getMessage() : "")
                    + " while waiting for " + waitingFor, failure);
        }
        return o;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RtmpHandshake.COMPLETE) {
            events.add(evt);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof RtmpMessage m) {
                onMessage(ctx, m);
            }
        } catch (RtmpProtocolException e) {
            failure = e;
            ctx.close();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMessage(ChannelHandlerContext ctx, RtmpMessage m) throws RtmpProtocolException {
        if (m.typeId() == RtmpMessageType.COMMAND_AMF0 || m.typeId() == RtmpMessageType.COMMAND_AMF3) {
            events.add(RtmpCommand.decode(m));
        }
        // peer bandwidth, chunk size (the decoder applied it), media: nothing to do here
        RtmpMessage reply = ackWindow.onMessage(m, ctx.pipeline());
        if (reply != null) {
            ctx.writeAndFlush(reply);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            onWritable.run();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failure = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        events.add(Boolean.FALSE);
        ctx.fireChannelInactive();
    }
}
