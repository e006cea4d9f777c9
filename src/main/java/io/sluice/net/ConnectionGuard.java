package io.sluice.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.net.Refusals.Cause;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * ConnectionGuard is the first handler of every accepted connection of a {@link ConnectionLimiter}'s
 * listener: on accept it takes a slot or refuses the connection (the protocol's refusal, then close), arms
 * the handshake deadline, and gives the slot back when the connection closes.
 *
 * <p>A refused connection never reaches the handlers behind the guard: they see neither channelActive nor
 * its reads nor channelInactive, so a protocol handler never has to cope with a half-opened connection.
 *
 * <p>All state is touched only on the channel's event loop.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {
    static final String NAME = "sluice-connection-guard";

    private final ConnectionLimiter limiter;
    private InetAddress address;
    private boolean refused;
    /** Whether the first request passed (FIRST_REQUEST: then no deadline ever again). */
    private boolean passedOnce;
    private ScheduledFuture<?> deadline;
    private ChannelHandlerContext ctx;

    ConnectionGuard(ConnectionLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress a = ctx.channel().remoteAddress() instanceof InetSocketAddress isa ? isa.getAddress() : null;
        if (a != null) {
            Cause cause = limiter.acquire(a);
            if (cause != null) {
                refused = true;
                limiter.refuse(cause, ctx.channel().remoteAddress(), limiter.detail(cause));
                byte[] reply = limiter.refusal().bytes();
                if (reply.length == 0) {
                    ctx.close();
                } else {
                    // written from the head of the pipeline: no codec or TLS handler sees it
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(reply)).addListener(ChannelFutureListener.CLOSE);
                }
                return;
            }
            address = a;
        }
        arm();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (deadline == null && passedOnce && limiter.deadline() == ConnectionLimiter.Deadline.EACH_REQUEST) {
            arm(); // the first byte of the next request on a keep-alive connection
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!refused) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        if (address != null) {
            limiter.release(address);
            address = null;
        }
        if (!refused) {
            ctx.fireChannelInactive();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (refused) {
            ctx.close(); // e.g. a reset while the 503 was written: nothing behind the guard needs to know
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    void passed() {
        passedOnce = true;
        disarm();
    }

    private void arm() {
        Duration d = limiter.limits().handshakeTimeout();
        deadline = ctx.executor().schedule(this::expired, d.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expired() {
        deadline = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        limiter.refuse(Cause.HANDSHAKE_TIMEOUT, ctx.channel().remoteAddress(), (passedOnce ? "request" : "handshake and first request")
                + " not complete within " + limiter.limits().handshakeTimeout() + " (handshakeTimeout)");
        ctx.close();
    }
}
