package io.sluice.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.Refusals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcHttpHandler serves one HTTP/1.1 connection: it hands each request to the router on a
 * virtual thread and writes the reply back on the connection's event loop, in request order.
 *
 * <p>All fields are touched only on the connection's event loop. One request is in flight at a
 * time: reading pauses meanwhile, so a pipelining client gets its replies in order and cannot
 * queue unbounded work.
 */
final class WebrtcHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcHttpHandler.class);

    /** A request waiting its turn; {@code ready} is a reply decided in the pipeline (400, 413). */
    private record Pending(WebrtcHttpRequest req, WebrtcHttpReply ready, boolean keepAlive) {
    }

    /** What {@link BodyLimit} passes on instead of an oversized request, to keep replies in order. */
    private record Oversized(WebrtcHttpReply reply, boolean keepAlive) {
    }

    private final WebrtcHttpRouter router;
    private final Executor calls;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private boolean busy;
    private String remote = "?";

    private final ConnectionLimiter limiter;

    WebrtcHttpHandler(WebrtcHttpRouter router, Executor calls, ConnectionLimiter limiter) {
        this.limiter = limiter;
        this.router = router;
        this.calls = calls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        remote = format(ctx.channel().remoteAddress());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case FullHttpRequest r -> {
                ConnectionLimiter.passed(ctx.pipeline());
                try {
                    pending.add(toPending(ctx, r));
                } finally {
                    r.release();
                }
            }
            case Oversized o -> {
                ConnectionLimiter.passed(ctx.pipeline());
                pending.add(new Pending(null, o.reply(), o.keepAlive()));
            }
            default -> ctx.fireChannelRead(msg);
        }
        if (!busy) {
            next(ctx);
        }
    }

    private Pending toPending(ChannelHandlerContext ctx, FullHttpRequest r) {
        if (r.decoderResult().isFailure()) {
            Throwable cause = r.decoderResult().cause();
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongHttpLineException) {
                limiter.refuse(Refusals.Cause.HEADER_TOO_LARGE, ctx.channel().remoteAddress(), cause.getMessage());
                return new Pending(null, WebrtcHttpReply.text(431, "request line or header larger than "
                        + limiter.limits().maxHeaderBytes() + " bytes"), false);
            }
            LOG.warn("WebRTC HTTP from {} refused: 400 undecodable request", remote);
            return new Pending(null, WebrtcHttpReply.text(400, "bad request"), false);
        }
        HttpHeaders h = r.headers();
        WebrtcHttpRequest req = new WebrtcHttpRequest(r.method().name(), r.uri(), h.get(HttpHeaderNames.CONTENT_TYPE),
                h.get(HttpHeaderNames.AUTHORIZATION), h.get(HttpHeaderNames.IF_MATCH),
                r.content().toString(StandardCharsets.UTF_8), remote);
        return new Pending(req, null, HttpUtil.isKeepAlive(r));
    }

    private void next(ChannelHandlerContext ctx) {
        Pending p = pending.poll();
        if (p == null) {
            busy = false;
            ctx.channel().config().setAutoRead(true);
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        if (p.ready() != null) {
            respond(ctx, p.ready(), p.keepAlive());
            return;
        }
        try {
            calls.execute(() -> {
                WebrtcHttpReply reply = router.handle(p.req());
                try {
                    ctx.executor().execute(() -> respond(ctx, reply, p.keepAlive()));
                } catch (RejectedExecutionException e) { // the loops are shutting down
                    undelivered(reply);
                }
            });
        } catch (RejectedExecutionException e) {
            respond(ctx, WebrtcHttpReply.text(503, "server closing"), false);
        }
    }

    private void respond(ChannelHandlerContext ctx, WebrtcHttpReply reply, boolean keepAlive) {
        ChannelFuture f = ctx.writeAndFlush(toNetty(reply, keepAlive));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                undelivered(reply);
            }
        });
        if (keepAlive) {
            next(ctx);
        } else {
            pending.clear();
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void undelivered(WebrtcHttpReply reply) {
        if (reply.undelivered() == null) {
            return;
        }
        try {
            calls.execute(reply.undelivered());
        } catch (RejectedExecutionException e) { // closing: the session layer closes its sessions itself
            LOG.debug("WebRTC HTTP: server closing, undelivered reply to {} not undone", remote);
        }
    }

    /** CORS on every reply, so a page on another origin can read errors too, not only successes. */
    static FullHttpResponse toNetty(WebrtcHttpReply reply, boolean keepAlive) {
        ByteBuf body = Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), body);
        HttpHeaders h = res.headers();
        if (reply.contentType() != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        if (reply.status() != 204) { // RFC 9110 §8.6: a 204 carries no Content-Length
            HttpUtil.setContentLength(res, body.readableBytes());
        }
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "OPTIONS, GET, POST, PATCH, DELETE");
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, If-Match");
        h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Link, Location, ETag, Accept-Patch");
        for (Map.Entry<String, String> e : reply.headers()) {
            h.add(e.getKey(), e.getValue());
        }
        HttpUtil.setKeepAlive(res, keepAlive);
        return res;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (!busy) { // a slow session call is not idleness: its reply is still to come
                LOG.debug("WebRTC HTTP: closing idle connection from {}", remote);
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("WebRTC HTTP connection from {} failed: {}", remote, cause.toString());
        } else {
            LOG.warn("WebRTC HTTP connection from {} failed", remote, cause);
        }
        ctx.close();
    }

    static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress isa && isa.getAddress() != null) {
            String ip = isa.getAddress().getHostAddress();
            return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + isa.getPort();
        }
        return String.valueOf(a);
    }

    /**
     * BodyLimit aggregates requests up to the configured maxBodyBytes and turns a bigger one
     * into a 413 that goes through the handler's queue like any other reply.
     */
    static final class BodyLimit extends HttpObjectAggregator {
        private final ConnectionLimiter limiter;

        BodyLimit(ConnectionLimiter limiter, int maxBody) {
            super(maxBody);
            this.limiter = limiter;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            String method = oversized instanceof HttpRequest r ? r.method().name() : "?";
            limiter.refuse(Refusals.Cause.BODY_TOO_LARGE, ctx.channel().remoteAddress(),
                    "413 " + method + " body larger than " + maxContentLength() + " bytes");
            // The connection closes after the 413: skipping a body the client keeps sending would hold
            // the connection for as long as it likes, and a body not yet sent may never come.
            ctx.fireChannelRead(new Oversized(
                    WebrtcHttpReply.text(413, "body larger than " + maxContentLength() + " bytes"), false));
        }
    }
}
