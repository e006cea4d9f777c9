package io.sluice.server.rtmp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.conf.AuthAction;
import io.sluice.net.Refusals;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtmp.RtmpAckWindow;
import io.sluice.protocol.rtmp.RtmpCommand;
import io.sluice.protocol.rtmp.RtmpHandshake;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.protocol.rtmp.RtmpMessageType;
import io.sluice.protocol.rtmp.RtmpProtocolException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtmpConn is one RTMP connection after the handshake: the NetConnection commands (connect,
 * createStream, delete), the replies and refusals, the read timeout, and then one of its two roles:
 * {@link RtmpPublishSession} (FLV in, written to the path's stream) or {@link RtmpPlaySession} (the
 * stream out as FLV).
 *
 * <p>Everything runs on the connection's event loop; forward targets of a published path put their
 * sockets on the same loop, so a frame goes from this socket to theirs without a thread hand-off.
 */
final class RtmpConn extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpConn.class);
    /** Window we ask peers to acknowledge after, and announce as our bandwidth (what nginx-rtmp uses). */
    static final long WINDOW = 2_500_000;
    /** Our outbound chunk size: large chunks mean fewer headers per video frame. */
    static final int OUT_CHUNK_SIZE = 65536;
    static final int STREAM_ID = 1;

    /** PLAY_WAITING: a play command waits for the path's on-demand stream to come up. */
    enum State { HANDSHAKE, CONNECTED, PUBLISH_PROBING, PUBLISHING, PLAY_WAITING, PLAYING, CLOSED }

    private final RtmpServer server;
    private final boolean tls;
    private ChannelHandlerContext ctx;
    private String remote;
    private State state = State.HANDSHAKE;
    private String app = "";
    private String pathName;
    /** The query sent with the stream name (MTX_QUERY), "" when none; may hold credentials, never logged. */
    private String query = "";
    private final RtmpAckWindow ackWindow = new RtmpAckWindow();
    private long lastReadNanos = System.nanoTime();
    private ScheduledFuture<?> timer;
    private RtmpPublishSession publishing;
    private RtmpPlaySession playing;
    /** The stream a play command waits for (PLAY_WAITING), or null; cancelled if the player leaves first. */
    private CompletableFuture<Path> waiting;
    /** The user the publisher or reader authenticated as, "" when it needed no credentials. */
    private String user = "";

    RtmpConn(RtmpServer server, boolean tls) {
        this.server = server;
        this.tls = tls;
    }

    String tag() {
        return "[rtmp" + (tls ? "s" : "") + " conn " + remote + "]";
    }

    RtmpServer server() {
        return server;
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    String remote() {
        return remote;
    }

    /** "rtmp" or "rtmps". */
    String scheme() {
        return tls ? "rtmps" : "rtmp";
    }

    /** Moves to a state of a role's session (publish probing, publishing, playing). */
    void enter(State s) {
        state = s;
    }

    void user(String u) {
        user = u;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        remote = SessionRegistry.remote(ctx.channel().remoteAddress());
        LOG.debug("{} opened", tag());
        timer = ctx.executor().scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RtmpHandshake.COMPLETE) {
            state = State.CONNECTED;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastReadNanos = System.nanoTime();
        if (!(msg instanceof RtmpMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            onMessage(m);
        } catch (RtmpProtocolException e) {
            LOG.warn("{} protocol error, closing: {}", tag(), e.getMessage());
            ctx.close();
        } catch (RuntimeException e) {
            LOG.error("{} closing after an unexpected error", tag(), e);
            ctx.close();
        } finally {
            RtmpMessage reply = ackWindow.onMessage(m, ctx.pipeline());
            if (reply != null) {
                ctx.write(reply); // flushed at the end of the read batch
            }
            m.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (publishing != null) {
            publishing.readComplete();
        }
        ctx.flush();
    }

    private void onMessage(RtmpMessage m) throws RtmpProtocolException {
        switch (m.typeId()) {
            case RtmpMessageType.COMMAND_AMF0, RtmpMessageType.COMMAND_AMF3 -> onCommand(RtmpCommand.decode(m));
            case RtmpMessageType.AUDIO, RtmpMessageType.VIDEO, RtmpMessageType.DATA_AMF0 -> onMedia(m);
            case RtmpMessageType.WINDOW_ACK_SIZE, RtmpMessageType.USER_CONTROL -> {
                // answered by the ack window after every message (channelRead)
            }
            default -> LOG.debug("{} ignoring message type {}", tag(), m.typeId());
        }
    }

    private void onMedia(RtmpMessage m) throws RtmpProtocolException {
        if (state == State.PUBLISHING) {
            publishing.write(m);
        } else if (state == State.PUBLISH_PROBING) {
            publishing.probe(m);
        }
    }

    private void onCommand(RtmpCommand c) throws RtmpProtocolException {
        switch (c.name()) {
            case "connect" -> connect(c);
            case "createStream" -> reply(c, 0, null, (double) STREAM_ID);
            case "publish" -> publish(c);
            case "play" -> play(c);
            case "deleteStream", "closeStream", "FCUnpublish" -> {
                if (state == State.PUBLISHING || state == State.PUBLISH_PROBING || state == State.PLAYING
                        || state == State.PLAY_WAITING) {
                    LOG.info("{} {} ended by {}", tag(), pathName, c.name());
                    state = State.CLOSED;
                    ctx.close();
                }
            }
            // Sent by encoders before publish; nothing to answer that they wait for.
            case "releaseStream", "FCPublish", "getStreamLength", "_checkbw", "receiveAudio", "receiveVideo",
                    "FCSubscribe", "_result", "_error", "onBWDone", "pause", "seek" ->
                    LOG.debug("{} {}", tag(), c.name());
            default -> LOG.debug("{} unknown command '{}' ignored", tag(), c.name());
        }
    }

    private void connect(RtmpCommand c) {
        String a = c.property("app");
        app = a == null ? "" : RtmpStreamName.stripSlashes(a);
        ctx.write(RtmpMessage.windowAckSize(WINDOW));
        ctx.write(RtmpMessage.setPeerBandwidth(WINDOW, 2));
        ctx.write(RtmpMessage.setChunkSize(OUT_CHUNK_SIZE));
        Map<String, Object> props = new HashMap<>();
        props.put("fmsVer", "FMS/3,0,1,123");
        props.put("capabilities", 31.0);
        Map<String, Object> info = RtmpCommand.status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        info.put("objectEncoding", 0.0);
        ctx.write(new RtmpCommand("_result", c.transactionId(), props, info).encode(ctx.alloc(), 0));
    }

    private void publish(RtmpCommand c) {
        if (state != State.CONNECTED) {
            refuse("NetStream.Publish.BadName", "publish in state " + state);
            return;
        }
        RtmpStreamName name = RtmpStreamName.of(app, c.stringArg(0));
        pathName = name.path();
        query = name.rawQuery();
        publishing = RtmpPublishSession.open(this, name);
    }

    private void play(RtmpCommand c) {
        if (state != State.CONNECTED) {
            refuse("NetStream.Play.Failed", "play in state " + state);
            return;
        }
        RtmpStreamName name = RtmpStreamName.of(app, c.stringArg(0));
        pathName = name.path();
        query = name.rawQuery();
        CompletableFuture<Path> ready = RtmpPlaySession.request(this, name);
        if (ready == null) {
            return;
        }
        if (ready.isDone()) {
            startPlaying(name, ready);
            return;
        }
        // An on-demand path is bringing its stream: answer the play when it is there (or is not).
        state = State.PLAY_WAITING;
        waiting = ready;
        ready.whenCompleteAsync((p, t) -> {
            if (waiting == ready) {
                waiting = null;
                startPlaying(name, ready);
                ctx.flush();
            }
        }, ctx.executor());
    }

    private void startPlaying(RtmpStreamName name, CompletableFuture<Path> ready) {
        playing = RtmpPlaySession.open(this, name, ready);
        if (playing != null) {
            playing.start();
        }
    }

    private void reply(RtmpCommand c, int streamId, Object commandObject, Object... args) {
        ctx.write(new RtmpCommand("_result", c.transactionId(), commandObject, args).encode(ctx.alloc(), streamId));
    }

    void status(String level, String code, String description) {
        ctx.write(new RtmpCommand("onStatus", 0, null, RtmpCommand.status(level, code, description))
                .encode(ctx.alloc(), STREAM_ID));
    }

    void refuse(String code, String description) {
        refuse(code, description, false);
    }

    /** Sends an error status and closes; {@code counted} refusals were logged by Refusals already. */
    private void refuse(String code, String description, boolean counted) {
        if (counted) {
            LOG.debug("{} refused: {}", tag(), description);
        } else {
            LOG.warn("{} refused: {}", tag(), description);
        }
        status("error", code, description);
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> ctx.close());
        state = State.CLOSED;
    }

    /**
     * Refuses for a reason of the path layer; bad names and limits are counted and logged (at most once a
     * second) by the path manager's Refusals, so they are logged here only at debug level.
     */
    void refuse(String code, PathException e) {
        refuse(code, e.getMessage(), server.paths().countRefusal(scheme(), remote, e));
    }

    /**
     * The user the credentials authenticate as for the action on {@code path} ("" when none are
     * needed), or null. Credentials come as mediamtx takes them for RTMP: ?user=..&pass=.. on the app
     * or stream name.
     */
    String authenticate(AuthAction action, String path, Map<String, String> q) {
        String given = q.getOrDefault("user", "");
        String u = server.auth().authenticate(action, path, given, q.getOrDefault("pass", ""),
                ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        if (u == null && (!given.isEmpty() || q.containsKey("pass"))) {
            LOG.warn("{} wrong credentials (user '{}') to {} '{}'", tag(), given, action.yaml(), path);
        }
        return u;
    }

    /** Registers the role's session (kicking it closes this connection); the caller closes the registration. */
    SessionRegistry.Registration register(SessionRegistry.Role role, String path, LongSupplier bytes) {
        return server.sessions().register(scheme(), role, path, remote, user, query, bytes, this::kick);
    }

    /**
     * Ends the connection and so its session (the API kicks it, or a new publisher replaces it); any thread,
     * returns at once.
     */
    void kick() {
        LOG.info("{} kicked", tag());
        ctx.channel().close();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && playing != null) {
            playing.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void tick() {
        long now = System.nanoTime();
        long readTimeout = server.conf().io().readTimeout().toNanos();
        // A player waiting for an on-demand stream sends nothing either: the start timeout bounds its wait.
        if (state != State.PLAYING && state != State.PLAY_WAITING && now - lastReadNanos > readTimeout) {
            LOG.info("{} closing: nothing received for {} ms (readTimeout)", tag(), readTimeout / 1_000_000);
            ctx.close();
            return;
        }
        if (state == State.PLAYING) {
            playing.tick(now);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof RtmpProtocolException pe && pe.tooLarge()) {
            server.refusals().refuse(scheme(), Refusals.Cause.BODY_TOO_LARGE, remote, pe.getMessage());
        } else if (c instanceof RtmpProtocolException) {
            LOG.warn("{} protocol error, closing: {}", tag(), c.getMessage());
        } else if (c instanceof IOException) {
            LOG.debug("{} {}", tag(), c.toString());
        } else {
            LOG.warn("{} closing after error", tag(), c);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (timer != null) {
            timer.cancel(false);
        }
        if (waiting != null) {
            waiting.cancel(false); // withdraws this player from the path's demand
            waiting = null;
        }
        if (publishing != null) {
            publishing.close();
            publishing = null;
        }
        if (playing != null) {
            playing.close();
            playing = null;
        }
        LOG.debug("{} closed", tag());
        ctx.fireChannelInactive();
    }
}
