package io.sluice.net.rtmp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.sluice.protocol.rtmp.RtmpAckWindow;
import io.sluice.protocol.rtmp.RtmpCommand;
import io.sluice.protocol.rtmp.RtmpHandshake;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.protocol.rtmp.RtmpMessageType;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * RtmpClientConn is the inbound side of an RTMP client, publishing (a forward target) or playing (a pulled
 * source): it hands command replies to the control thread that waits for them, answers pings, acknowledges
 * the server's window, and gives audio, video and data messages to its {@link MediaSink} (a publishing
 * client has none: they are dropped).
 */
public final class RtmpClientConn extends ChannelInboundHandlerAdapter {
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final MediaSink media;
    private volatile Runnable onWritable = () -> { };
    private volatile Throwable failure;
    private volatile long lastReadNanos = System.nanoTime();
    private final RtmpAckWindow ackWindow = new RtmpAckWindow();

    /**
     * MediaSink takes a playing client's audio, video and data messages, on the channel's event loop.
     */
    public interface MediaSink {
        /**
         * One message; ownership stays with the caller (retain to keep it). A throw closes the connection,
         * and {@link #failure()} is then the exception.
         */
        void onMedia(RtmpMessage m) throws Exception;

        /** The end of one socket read's batch of messages. */
        void readComplete();
    }

    /** A publishing client's inbound side: media from the server is dropped. */
    public RtmpClientConn() {
        this(null);
    }

    /** A playing client's inbound side, which hands media to {@code media}. */
    public RtmpClientConn(MediaSink media) {
        this.media = media;
    }

    public void onWritable(Runnable r) {
        onWritable = r;
    }

    /** When the last bytes arrived ({@link System#nanoTime()}), for a read timeout. Any thread. */
    public long lastReadNanos() {
        return lastReadNanos;
    }

    /** Waits for the handshake to complete. */
    public void awaitHandshake(long timeoutMs) throws IOException, InterruptedException {
        Object o = take(timeoutMs, "handshake");
        if (o != RtmpHandshake.COMPLETE) {
            throw new IOException("unexpected " + o + " during the handshake");
        }
    }

    /** Waits for the next command from the server. */
    public RtmpCommand next(long timeoutMs, String waitingFor) throws IOException, InterruptedException {
        Object o = take(timeoutMs, waitingFor);
        if (o instanceof RtmpCommand c) {
            return c;
        }
        throw new IOException("unexpected " + o + " while waiting for " + waitingFor);
    }

    /**
     * The next command from the server if one comes within {@code timeoutMs}, else null: a session that is
     * up watches for status changes this way.
     *
     * @throws IOException when the connection closed, with why
     */
    public RtmpCommand poll(long timeoutMs, String during) throws IOException, InterruptedException {
        Object o = events.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (o == null) {
            return null;
        }
        return checked(o, "during " + during) instanceof RtmpCommand c ? c : null;
    }

    private Object take(long timeoutMs, String waitingFor) throws IOException, InterruptedException {
        Object o = events.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new IOException("no " + waitingFor + " response within " + timeoutMs + " ms");
        }
        return checked(o, "while waiting for " + waitingFor);
    }

    /** @param when e.g. "while waiting for connect", for the message */
    private Object checked(Object o, String when) throws IOException {
        if (o == Boolean.FALSE) {
            throw new IOException("connection closed" + (failure != null ? ": " + failure.getMessage() : "")
                    + " " + when, failure);
        }
        return o;
    }

    /** Why the connection closed on its own (a protocol error, a socket error), or null. */
    public Throwable failure() {
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
        lastReadNanos = System.nanoTime();
        try {
            if (msg instanceof RtmpMessage m) {
                onMessage(ctx, m);
            }
        } catch (Exception e) {
            failure = e;
            ctx.close();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onMessage(ChannelHandlerContext ctx, RtmpMessage m) throws Exception {
        if (m.typeId() == RtmpMessageType.COMMAND_AMF0 || m.typeId() == RtmpMessageType.COMMAND_AMF3) {
            events.add(RtmpCommand.decode(m));
        } else if (media != null && (m.typeId() == RtmpMessageType.AUDIO || m.typeId() == RtmpMessageType.VIDEO
                || m.typeId() == RtmpMessageType.DATA_AMF0)) {
            media.onMedia(m);
        }
        // peer bandwidth, chunk size (the decoder applied it): nothing to do here
        RtmpMessage reply = ackWindow.onMessage(m, ctx.pipeline());
        if (reply != null) {
            ctx.writeAndFlush(reply);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (media != null) {
            media.readComplete();
        }
        ctx.fireChannelReadComplete();
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
