package io.sluice.net.http;

import io.netty.buffer.ByteBufUtil;
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
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.Refusals;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HttpConn serves one HTTP/1.1 connection of a {@link HttpListener}: it hands each request to the handler
 * on a virtual thread and writes the reply back on the connection's event loop, in request order.
 *
 * <p>All fields are touched only on the connection's event loop. While a request is in flight, reading
 * pauses, so the queue holds at most what one read delivered.
 */
final class HttpConn extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConn.class);

    /** A request waiting its turn; {@code refused} is a reply decided in the pipeline (400, 413). */
    private record Pending(HttpRequest req, int refusedStatus, String refusedReason, boolean keepAlive) {
    }

    /** What {@link BodyLimit} passes on instead of an oversized request, to keep replies in order. */
    private record Oversized(String reason, boolean keepAlive) {
    }

    private final String name;
    private final HttpHandler handler;
    private final Executor calls;
    private final ConnectionLimiter limiter;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private boolean busy;
    private InetSocketAddress remote;

    HttpConn(String name, HttpHandler handler, Executor calls, ConnectionLimiter limiter) {
        this.name = name;
        this.handler = handler;
        this.calls = calls;
        this.limiter = limiter;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        remote = (InetSocketAddress) ctx.channel().remoteAddress();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case FullHttpRequest r -> {
                ConnectionLimiter.passed(ctx.pipeline());
                try {
                    pending.add(toPending(r));
                } finally {
                    r.release();
                }
            }
            case Oversized o -> {
                ConnectionLimiter.passed(ctx.pipeline());
                pending.add(new Pending(null, 413, o.reason(), o.keepAlive()));
            }
            default -> ctx.fireChannelRead(msg);
        }
        if (!busy) {
            next(ctx);
        }
    }

    private Pending toPending(FullHttpRequest r) {
        if (r.decoderResult().isFailure()) {
            Throwable cause = r.decoderResult().cause();
            if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongHttpLineException) {
                limiter.refuse(Refusals.Cause.HEADER_TOO_LARGE, remote, cause.getMessage());
                return new Pending(null, 431, "request line or header larger than "
                        + limiter.limits().maxHeaderBytes() + " bytes", false);
            }
            LOG.warn("{} HTTP from {} refused: 400 undecodable request: {}", name, HttpRequest.text(remote),
                    r.decoderResult().cause().getMessage());
            return new Pending(null, 400, "undecodable request", false);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(r);
        QueryStringDecoder uri = new QueryStringDecoder(r.uri());
        Map<String, List<String>> query;
        try {
            query = uri.parameters();
        } catch (IllegalArgumentException e) { // a bad %-escape in the query
            return new Pending(null, 400, "invalid query: " + e.getMessage(), keepAlive);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : r.headers()) {
            headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
        }
        HttpRequest req = new HttpRequest(r.method().name(), uri.rawPath(), query, headers,
                ByteBufUtil.getBytes(r.content()), remote, uri.rawQuery());
        return new Pending(req, 0, null, keepAlive);
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
        if (p.req() == null) {
            respond(ctx, refused(p.refusedStatus(), p.refusedReason()), p.keepAlive());
            return;
        }
        try {
            calls.execute(() -> {
                HttpReply reply = call(p.req());
                try {
                    ctx.executor().execute(() -> respond(ctx, reply, p.keepAlive()));
                } catch (RejectedExecutionException e) { // the loops are shutting down
                    LOG.debug("{} HTTP: loop closed, reply to {} dropped", name, p.req());
                    runUndo(reply); // already on a handler thread
                }
            });
        } catch (RejectedExecutionException e) { // the listener is closing
            respond(ctx, refused(503, "server closing"), false);
        }
    }

    /** Runs the handler; whatever it throws is logged here with its stack, and the client gets a plain 500. */
    private HttpReply call(HttpRequest req) {
        try {
            HttpReply reply = handler.handle(req);
            if (reply == null) {
                throw new IllegalStateException("handler returned no reply");
            }
            LOG.debug("{} HTTP {} → {}", name, req, reply.status());
            return reply;
        } catch (RuntimeException | Error e) {
            LOG.error("{} HTTP {} failed", name, req, e);
            return refused(500, "internal error");
        }
    }

    /** The handler's own refusal format, falling back to plain text should that throw too. */
    private HttpReply refused(int status, String reason) {
        try {
            return handler.refused(status, reason);
        } catch (RuntimeException e) {
            LOG.error("{} HTTP: refused({}) failed", name, status, e);
            return HttpReply.text(status, reason);
        }
    }

    private void respond(ChannelHandlerContext ctx, HttpReply reply, boolean keepAlive) {
        ChannelFuture f = ctx.writeAndFlush(toNetty(reply, keepAlive));
        if (reply.undelivered() != null) {
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    undelivered(reply);
                }
            });
        }
        if (keepAlive) {
            next(ctx);
        } else {
            pending.clear();
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Hands the reply's undo to a handler thread: it may block, and this is the connection's loop. */
    private void undelivered(HttpReply reply) {
        try {
            calls.execute(() -> runUndo(reply));
        } catch (RejectedExecutionException e) { // closing: whoever made the reply cleans up on its own close
            LOG.debug("{} HTTP: listener closing, undelivered reply to {} not undone", name, HttpRequest.text(remote));
        }
    }

    private void runUndo(HttpReply reply) {
        if (reply.undelivered() == null) {
            return;
        }
        try {
            reply.undelivered().run();
        } catch (RuntimeException e) {
            LOG.error("{} HTTP: undoing an undelivered reply to {} failed", name, HttpRequest.text(remote), e);
        }
    }

    static FullHttpResponse toNetty(HttpReply reply, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        HttpHeaders h = res.headers();
        if (reply.contentType() != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        if (reply.status() != 204 && reply.status() >= 200) { // RFC 9110 §8.6: no Content-Length on 1xx/204
            HttpUtil.setContentLength(res, reply.body().length);
        }
        for (Map.Entry<String, String> e : reply.headers()) {
            h.add(e.getKey(), e.getValue());
        }
        HttpUtil.setKeepAlive(res, keepAlive);
        return res;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (!busy) { // a slow handler is not idleness: its reply is still to come
                LOG.debug("{} HTTP: closing idle connection from {}", name, HttpRequest.text(remote));
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("{} HTTP connection from {} failed: {}", name, HttpRequest.text(remote), cause.toString());
        } else {
            LOG.warn("{} HTTP connection from {} failed", name, HttpRequest.text(remote), cause);
        }
        ctx.close();
    }

    /**
     * BodyLimit aggregates requests up to the listener's limit and turns a bigger one into a 413 that goes
     * through the connection's queue like any other reply.
     */
    static final class BodyLimit extends HttpObjectAggregator {
        private final ConnectionLimiter limiter;

        BodyLimit(ConnectionLimiter limiter, int maxBody) {
            super(maxBody);
            this.limiter = limiter;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            String method = oversized instanceof io.netty.handler.codec.http.HttpRequest r ? r.method().name() : "?";
            limiter.refuse(Refusals.Cause.BODY_TOO_LARGE, ctx.channel().remoteAddress(),
                    "413 " + method + " body larger than " + maxContentLength() + " bytes");
            // The connection closes after the 413: skipping a body the client keeps sending would hold
            // the connection for as long as it likes, and a body not yet sent may never come.
            ctx.fireChannelRead(new Oversized("body larger than " + maxContentLength() + " bytes", false));
        }
    }
}
