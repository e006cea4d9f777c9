package io.sluice.server.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.Refusals;
import io.sluice.path.Path;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtsp.InterleavedFrame;
import io.sluice.protocol.rtsp.RtspHeaders;
import io.sluice.protocol.rtsp.RtspProtocolException;
import io.sluice.protocol.rtsp.RtspRequest;
import io.sluice.protocol.rtsp.RtspResponse;
import io.sluice.protocol.rtsp.RtspStatus;
import io.sluice.protocol.rtsp.RtspUrl;
import io.sluice.stream.Stream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspConn serves one RTSP control connection (RFC 2326 / RFC 7826 subset used by publishers and
 * players): it dispatches requests to the roles ({@link RtspRecord} publishes, {@link RtspPlay} reads,
 * {@link RtspSetup} negotiates transports, {@link RtspAuthCheck} checks credentials), carries interleaved
 * packets, and owns the connection's session from its first SETUP or ANNOUNCE until TEARDOWN or close.
 *
 * <p>Every method runs on the connection's event loop, and so do the roles it calls: the session
 * state takes no locks. Only {@link #kick()} may be called from any thread.
 */
final class RtspConn extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RtspConn.class);
    /** Session timeout announced to clients (RFC 2326 §12.37); UDP readers must keep alive within it. */
    static final int SESSION_TIMEOUT_SECONDS = 60;
    static final String PUBLIC_METHODS =
            "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, GET_PARAMETER, SET_PARAMETER, TEARDOWN";

    private final RtspServer server;
    /** Came in on the RTSPS listener: sessions are labelled rtsps, and RTP goes only interleaved in the TLS stream. */
    private final boolean tls;
    private final RtspRecord record;
    private final RtspPlay play;
    private final RtspSetup setup;
    private ChannelHandlerContext ctx;
    private String remote = "?";
    private RtspPathCheck paths;
    private RtspAuthCheck auth;
    private RtspSession session;
    private ScheduledFuture<?> timer;
    /** The stream written during the current read batch, flushed at read-complete; null when none. */
    private Stream batchStream;
    /** When the reader's socket stopped taking data (0 = writable), for writeTimeout. */
    private long unwritableSinceNanos;
    /**
     * The stream a DESCRIBE or a reader's first SETUP waits for (an on-demand path coming up), or null. While set,
     * reading pauses and the requests already decoded wait in {@link #held}, so that replies keep their order.
     */
    private CompletableFuture<Path> waiting;
    private final ArrayDeque<RtspRequest> held = new ArrayDeque<>();

    RtspConn(RtspServer server, boolean tls) {
        this.server = server;
        this.tls = tls;
        this.record = new RtspRecord(this, server);
        this.play = new RtspPlay(this, server);
        this.setup = new RtspSetup(this, server, tls, play);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.remote = SessionRegistry.remote(ctx.channel().remoteAddress());
        this.paths = new RtspPathCheck(server, protocol(), remote);
        this.auth = new RtspAuthCheck(server, remote, ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        LOG.debug("[rtsp conn {}] opened", remote);
        timer = ctx.executor().scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case InterleavedFrame f -> onFrame(f);
            case RtspRequest r -> onRequest(r);
            case RtspResponse r -> LOG.debug("[rtsp conn {}] ignoring response {}", remote, r.status());
            default -> LOG.debug("[rtsp conn {}] ignoring {}", remote, msg.getClass().getSimpleName());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (batchStream != null) {
            batchStream.batchEnd();
            batchStream = null;
        }
        ctx.flush();
    }

    private void onFrame(InterleavedFrame f) {
        ByteBuf payload = f.payload();
        RtspSession s = session;
        if (s == null || s.publisher == null || (f.channel() & 1) == 1) {
            // RTCP receiver reports from readers only show that the peer is alive; a publisher's
            // sender reports also give its RTP↔NTP mapping, which readers and targets get.
            if (s != null) {
                s.touch();
                if (s.publisher != null) {
                    RtspRecord.publisherRtcp(s, f.channel(), payload);
                }
            }
            payload.release();
            return;
        }
        int media = s.mediaByChannel[f.channel()];
        if (media < 0) {
            payload.release();
            return;
        }
        s.touch();
        batchStream = s.publisher.stream();
        batchStream.write(media, payload, System.nanoTime());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && session != null && session.readerQueue != null) {
            session.readerQueue.drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = !(cause instanceof RtspProtocolException)
                && cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof RtspProtocolException pe) {
            switch (pe.kind()) {
                case HEADER_TOO_LARGE -> server.limiter().refuse(Refusals.Cause.HEADER_TOO_LARGE,
                        ctx.channel().remoteAddress(), pe.getMessage());
                case BODY_TOO_LARGE -> server.limiter().refuse(Refusals.Cause.BODY_TOO_LARGE,
                        ctx.channel().remoteAddress(), pe.getMessage());
                case MALFORMED -> LOG.warn("[rtsp conn {}] bad request: {}", remote, c.getMessage());
            }
            RtspHeaders h = new RtspHeaders();
            h.set("Connection", "close");
            ctx.writeAndFlush(new RtspResponse(pe.status(), RtspStatus.reason(pe.status()), h,
                    (c.getMessage() + "\r\n").getBytes(StandardCharsets.UTF_8)))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (c instanceof IOException) {
            LOG.debug("[rtsp conn {}] {}", remote, c.toString());
            ctx.close();
        } else {
            LOG.error("[rtsp conn {}] internal error", remote, c);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        if (waiting != null) {
            waiting.cancel(false); // withdraws this reader from the path's demand
            waiting = null;
        }
        held.clear();
        closeSession("connection closed");
        LOG.debug("[rtsp conn {}] closed", remote);
    }

    /** Once a second: session timeouts and the reader's write timeout. */
    private void tick() {
        RtspSession s = session;
        if (s == null) {
            return;
        }
        if (s.mode == RtspSession.Mode.PUBLISH && s.publisher != null
                && s.idleNanos() > server.conf().io().readTimeout().toNanos()) {
            LOG.warn("[rtsp session {}] publisher sent nothing for {}; closing", s.id,
                    server.conf().io().readTimeout());
            ctx.close();
            return;
        }
        if (s.playing && s.usesTcp()) {
            if (ctx.channel().isWritable()) {
                unwritableSinceNanos = 0;
            } else if (unwritableSinceNanos == 0) {
                unwritableSinceNanos = System.nanoTime();
            } else if (System.nanoTime() - unwritableSinceNanos > server.conf().io().writeTimeout().toNanos()) {
                LOG.warn("[rtsp session {}] reader took no data for {} (writeTimeout); closing", s.id,
                        server.conf().io().writeTimeout());
                ctx.close();
                return;
            }
        }
        if (s.mode == RtspSession.Mode.READ && s.usesUdp()
                && s.idleNanos() > TimeUnit.SECONDS.toNanos(SESSION_TIMEOUT_SECONDS)) {
            LOG.info("[rtsp session {}] UDP reader timed out (no RTCP or keepalive)", s.id);
            ctx.close();
        }
    }

    private void onRequest(RtspRequest req) {
        ConnectionLimiter.passed(ctx.pipeline());
        if (waiting != null) {
            held.add(req);
            return;
        }
        handle(req);
    }

    private void handle(RtspRequest req) {
        if (req.method().equals("DESCRIBE")) {
            CompletableFuture<Path> ready;
            try {
                ready = play.describe(req);
            } catch (RtspRefusal r) {
                reply(req, r.response, r.counted);
                return;
            }
            answerWhenReady(req, ready, path -> play.describeReply(req, path));
            return;
        }
        if (req.method().equals("SETUP") && session == null) {
            // A reader's first SETUP, with or without a DESCRIBE before it: it waits for an on-demand stream too.
            RtspSetup.Reader reader;
            try {
                reader = setup.reader(req);
            } catch (RtspRefusal r) {
                reply(req, r.response, r.counted);
                return;
            }
            answerWhenReady(req, reader.path(), path -> setup.setup(req, reader));
            return;
        }
        RtspResponse res;
        boolean counted = false;
        try {
            res = switch (req.method()) {
                case "OPTIONS" -> RtspReplies.ok("Public", PUBLIC_METHODS);
                case "ANNOUNCE" -> record.announce(req);
                case "SETUP" -> setup.setup(req);
                case "PLAY" -> play.play(req);
                case "RECORD" -> record.record(req);
                case "PAUSE", "GET_PARAMETER", "SET_PARAMETER" -> keepalive();
                case "TEARDOWN" -> teardown();
                default -> RtspReplies.status(501, "Not Implemented", "method " + req.method() + " is not supported");
            };
        } catch (RtspRefusal r) {
            res = r.response;
            counted = r.counted; // Refusals logged it, at most once a second per cause
        }
        reply(req, res, counted);
    }

    /** The answer of a request that needs the path's stream, given the path once it has one. */
    @FunctionalInterface
    private interface Answer {
        RtspResponse to(Path path) throws RtspRefusal;
    }

    /**
     * Answers a DESCRIBE or a reader's first SETUP now, or when the path's on-demand stream is up (or failed to
     * come): meanwhile reading pauses and later requests wait in {@link #held}, so replies keep their order.
     */
    private void answerWhenReady(RtspRequest req, CompletableFuture<Path> ready, Answer answer) {
        if (ready.isDone()) {
            answer(req, ready, answer);
            return;
        }
        waiting = ready;
        ctx.channel().config().setAutoRead(false);
        ready.whenCompleteAsync((p, t) -> resume(req, ready, answer), ctx.executor());
    }

    /** On the loop, once the stream a request waited for came (or did not): the reply, then the held requests. */
    private void resume(RtspRequest req, CompletableFuture<Path> ready, Answer answer) {
        if (waiting != ready) {
            return; // the connection closed meanwhile
        }
        waiting = null;
        answer(req, ready, answer);
        while (waiting == null && !held.isEmpty()) {
            handle(held.poll());
        }
        if (waiting == null) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.flush();
    }

    private void answer(RtspRequest req, CompletableFuture<Path> ready, Answer answer) {
        try {
            reply(req, answer.to(paths.joined(ready)), false);
        } catch (RtspRefusal r) {
            reply(req, r.response, r.counted);
        }
    }

    private void reply(RtspRequest req, RtspResponse res, boolean counted) {
        String cseq = req.headers().get("CSeq");
        if (cseq != null) {
            res.headers().set("CSeq", cseq);
        }
        res.headers().set("Server", "Sluice");
        if (session != null && !req.method().equals("TEARDOWN") && res.status() < 300) {
            res.headers().set("Session", session.id + ";timeout=" + SESSION_TIMEOUT_SECONDS);
        }
        if (!counted && res.status() >= 400) {
            LOG.info("[rtsp conn {}] {} {} -> {} {}", remote, req.method(), RtspUrl.redact(req.uri()), res.status(),
                    new String(res.body(), StandardCharsets.UTF_8).strip());
        }
        ctx.write(res);
        if (req.method().equals("PLAY") && res.status() == 200) {
            play.startPlaying(session);
        }
    }

    private RtspResponse keepalive() {
        if (session != null) {
            session.touch();
        }
        return RtspReplies.ok();
    }

    private RtspResponse teardown() {
        closeSession("teardown");
        return RtspReplies.ok();
    }

    private void closeSession(String why) {
        RtspSession s = session;
        if (s != null) {
            session = null;
            s.close(server, why);
        }
    }

    // ---- for the roles, on this connection's loop ----

    RtspSession session() {
        return session;
    }

    void session(RtspSession s) {
        session = s;
    }

    /** The session of this connection in the given mode, or the refusal that says why there is none. */
    RtspSession requireSession(RtspSession.Mode mode) throws RtspRefusal {
        if (session == null) {
            throw RtspRefusal.of(454, "Session Not Found", "no session on this connection");
        }
        if (session.mode != mode) {
            throw RtspRefusal.of(455, "Method Not Valid in This State",
                    "session is a " + session.mode.name().toLowerCase() + " session");
        }
        return session;
    }

    Channel channel() {
        return ctx.channel();
    }

    EventExecutor loop() {
        return ctx.executor();
    }

    String remote() {
        return remote;
    }

    String protocol() {
        return tls ? "rtsps" : "rtsp";
    }

    RtspPathCheck paths() {
        return paths;
    }

    RtspAuthCheck auth() {
        return auth;
    }

    /** Ends the connection and so its session; any thread, returns at once. */
    void kick() {
        LOG.info("[rtsp conn {}] kicked", remote);
        ctx.channel().close();
    }
}
