package io.sluice.server.rtmp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.conf.AuthAction;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.Refusals;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.PathManager;
import io.sluice.path.Publisher;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtmp.RtmpAckWindow;
import io.sluice.protocol.rtmp.RtmpCommand;
import io.sluice.protocol.rtmp.RtmpHandshake;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.protocol.rtmp.RtmpMessageType;
import io.sluice.protocol.rtmp.RtmpProtocolException;
import io.sluice.protocol.rtmp.RtmpStreamWriter;
import io.sluice.protocol.rtmp.RtmpToStream;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtmpConn is one RTMP connection after the handshake: the NetConnection commands, then either a
 * publisher (FLV in, written to the path's stream) or a reader (the stream out as FLV).
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

    private enum State { HANDSHAKE, CONNECTED, PUBLISH_PROBING, PUBLISHING, PLAYING, CLOSED }

    private final RtmpServer server;
    private final boolean tls;
    private ChannelHandlerContext ctx;
    private String remote;
    private State state = State.HANDSHAKE;
    private String app = "";
    private String pathName;
    private final RtmpAckWindow ackWindow = new RtmpAckWindow();
    private long lastReadNanos = System.nanoTime();
    private long unwritableSinceNanos;
    private ScheduledFuture<?> timer;
    private RtmpToStream ingest;
    private Publisher publisher;
    private boolean batchPending;
    private ReaderQueue readerQueue;
    private Stream readStream;
    private AutoCloseable streamEndHook;
    /** The user the publisher or reader authenticated as, "" when it needed no credentials. */
    private String user = "";
    private SessionRegistry.Registration registration;

    RtmpConn(RtmpServer server, boolean tls) {
        this.server = server;
        this.tls = tls;
    }

    private String tag() {
        return "[rtmp" + (tls ? "s" : "") + " conn " + remote + "]";
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
        if (batchPending && publisher != null) {
            publisher.stream().batchEnd();
        }
        batchPending = false;
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

    private void onCommand(RtmpCommand c) throws RtmpProtocolException {
        switch (c.name()) {
            case "connect" -> connect(c);
            case "createStream" -> reply(c, 0, null, (double) STREAM_ID);
            case "publish" -> publish(c);
            case "play" -> play(c);
            case "deleteStream", "closeStream", "FCUnpublish" -> {
                if (state == State.PUBLISHING || state == State.PUBLISH_PROBING || state == State.PLAYING) {
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
        app = a == null ? "" : stripSlashes(a);
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

    private void reply(RtmpCommand c, int streamId, Object commandObject, Object... args) {
        ctx.write(new RtmpCommand("_result", c.transactionId(), commandObject, args).encode(ctx.alloc(), streamId));
    }

    private void status(String level, String code, String description) {
        ctx.write(new RtmpCommand("onStatus", 0, null, RtmpCommand.status(level, code, description))
                .encode(ctx.alloc(), STREAM_ID));
    }

    private void refuse(String code, String description) {
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
    private void refuse(String code, PathException e) {
        refuse(code, e.getMessage(), server.paths().countRefusal(tls ? "rtmps" : "rtmp", remote, e));
    }

    /** Splits "key?user=a&pass=b" into the path (app/key) and the query. */
    private record Target(String path, Map<String, String> query) {
    }

    private Target target(String streamName) {
        String name = streamName == null ? "" : streamName;
        Map<String, String> q = new HashMap<>();
        String appPart = app;
        int qi = appPart.indexOf('?');
        if (qi >= 0) {
            parseQuery(appPart.substring(qi + 1), q);
            appPart = appPart.substring(0, qi);
        }
        qi = name.indexOf('?');
        if (qi >= 0) {
            parseQuery(name.substring(qi + 1), q);
            name = name.substring(0, qi);
        }
        String path = stripSlashes(appPart.isEmpty() ? name : name.isEmpty() ? appPart : appPart + "/" + name);
        return new Target(path, q);
    }

    private static void parseQuery(String s, Map<String, String> out) {
        for (String kv : s.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                try {
                    out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // a malformed %-escape: the parameter is ignored, so credentials count as missing
                    LOG.debug("ignoring query parameter with a bad escape: {}", e.getMessage());
                }
            }
        }
    }

    private static String stripSlashes(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) == '/') {
            a++;
        }
        while (b > a && s.charAt(b - 1) == '/') {
            b--;
        }
        return s.substring(a, b);
    }

    /**
     * The user the credentials authenticate as for the action ("" when none are needed), or null.
     * Credentials come as mediamtx takes them for RTMP: ?user=..&pass=.. on the app or stream name.
     */
    private String authenticate(AuthAction action, Map<String, String> q) {
        String given = q.getOrDefault("user", "");
        String u = server.auth().authenticate(action, pathName, given, q.getOrDefault("pass", ""),
                ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        if (u == null && (!given.isEmpty() || q.containsKey("pass"))) {
            LOG.warn("{} wrong credentials (user '{}') to {} '{}'", tag(), given, action.yaml(), pathName);
        }
        return u;
    }

    private void register(SessionRegistry.Role role, java.util.function.LongSupplier bytes) {
        registration = server.sessions().register(tls ? "rtmps" : "rtmp", role, pathName, remote, user, bytes,
                this::kick);
    }

    /** Ends the connection and so its session; any thread, returns at once. */
    private void kick() {
        LOG.info("{} kicked", tag());
        ctx.channel().close();
    }

    private void publish(RtmpCommand c) {
        if (state != State.CONNECTED) {
            refuse("NetStream.Publish.BadName", "publish in state " + state);
            return;
        }
        Target t = target(c.stringArg(0));
        pathName = t.path();
        try {
            PathManager.checkName(pathName);
        } catch (PathException e) {
            refuse("NetStream.Publish.BadName", e);
            return;
        }
        if (server.paths().confFor(pathName) == null) {
            refuse("NetStream.Publish.BadName", "path '" + pathName + "' is not configured");
            return;
        }
        String u = authenticate(AuthAction.PUBLISH, t.query());
        if (u == null) {
            refuse("NetStream.Publish.Unauthorized", "wrong or missing credentials to publish to '" + pathName + "'");
            return;
        }
        try {
            server.paths().checkPublish(pathName); // maxPaths: refused before Publish.Start, not after probing
        } catch (PathException e) {
            refuse("NetStream.Publish.Failed", e);
            return;
        }
        user = u;
        ctx.write(RtmpMessage.streamBegin(STREAM_ID));
        status("status", "NetStream.Publish.Start", pathName + " is now published.");
        ingest = new RtmpToStream(ctx.alloc());
        state = State.PUBLISH_PROBING;
        ConnectionLimiter.passed(ctx.pipeline());
        LOG.info("{} publishing to '{}'", tag(), pathName);
    }

    private void onMedia(RtmpMessage m) throws RtmpProtocolException {
        if (state == State.PUBLISH_PROBING) {
            if (ingest.probe(m) || ingest.probeExpired()) {
                startStream();
            }
        } else if (state == State.PUBLISHING) {
            ingest.write(publisher.stream(), m, System.nanoTime());
            batchPending = true;
        }
    }

    private void startStream() throws RtmpProtocolException {
        try {
            publisher = server.paths().publish(pathName, ingest.desc(), ctx.channel().eventLoop(),
                    "rtmp" + (tls ? "s" : "") + "Conn " + remote);
        } catch (PathException e) {
            refuse(switch (e.reason()) {
                case BUSY, BAD_NAME -> "NetStream.Publish.BadName";
                case NOT_CONFIGURED, NO_STREAM, MAX_PATHS, MAX_READERS -> "NetStream.Publish.Failed";
            }, e);
            return;
        }
        state = State.PUBLISHING;
        register(SessionRegistry.Role.PUBLISH, publisher.stream()::bytesIn); // the stream counts what it gets
        if (ingest.skipped() != null) {
            LOG.warn("{} publisher of '{}': {}", tag(), pathName, ingest.skipped());
        }
        long now = System.nanoTime();
        for (RtmpMessage held : ingest.takeProbed()) {
            try {
                ingest.write(publisher.stream(), held, now);
            } finally {
                held.release();
            }
        }
        batchPending = true;
    }

    private void play(RtmpCommand c) {
        if (state != State.CONNECTED) {
            refuse("NetStream.Play.Failed", "play in state " + state);
            return;
        }
        Target t = target(c.stringArg(0));
        pathName = t.path();
        try {
            PathManager.checkName(pathName);
        } catch (PathException e) {
            refuse("NetStream.Play.StreamNotFound", e);
            return;
        }
        if (server.paths().confFor(pathName) != null) {
            String u = authenticate(AuthAction.READ, t.query());
            if (u == null) {
                refuse("NetStream.Play.Unauthorized", "wrong or missing credentials to read '" + pathName + "'");
                return;
            }
            user = u;
        }
        Path path;
        try {
            path = server.paths().readable(pathName);
        } catch (PathException e) {
            refuse(e.reason() == PathException.Reason.MAX_READERS ? "NetStream.Play.Failed"
                    : "NetStream.Play.StreamNotFound", e);
            return;
        }
        Stream stream = path.stream();
        if (stream == null) {
            refuse("NetStream.Play.StreamNotFound", "the stream of '" + pathName + "' ended");
            return;
        }
        RtmpStreamWriter writer = new RtmpStreamWriter(ctx.channel(), stream.desc(), STREAM_ID);
        if (!writer.mapper().carriesAnything()) {
            refuse("NetStream.Play.Failed", "no track of '" + pathName + "' can be carried over RTMP: "
                    + writer.mapper().tracks());
            return;
        }
        for (var tr : writer.mapper().tracks()) {
            if (!tr.carried()) {
                LOG.warn("{} reader of '{}': {} track skipped: {}", tag(), pathName, tr.codec(), tr.reason());
            }
        }
        ctx.write(RtmpMessage.streamBegin(STREAM_ID));
        status("status", "NetStream.Play.Reset", "Playing and resetting " + pathName + ".");
        status("status", "NetStream.Play.Start", "Started playing " + pathName + ".");
        ctx.write(writer.mapper().metadata(ctx.alloc(), false));
        ctx.flush();
        state = State.PLAYING;
        ConnectionLimiter.passed(ctx.pipeline());
        readStream = stream;
        readerQueue = new ReaderQueue(tag() + " reader of '" + pathName + "'", ctx.executor(),
                server.conf().io().writeQueueSize(), stream.keyframeMedia(), true, writer, LOG);
        streamEndHook = path.onStreamEnd(() -> ctx.channel().close());
        stream.addReader(readerQueue, true, true);
        ReaderQueue q = readerQueue;
        register(SessionRegistry.Role.READ, q::bytesOut);
        LOG.info("{} reading '{}'", tag(), pathName);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && readerQueue != null) {
            readerQueue.drain();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void tick() {
        long now = System.nanoTime();
        long readTimeout = server.conf().io().readTimeout().toNanos();
        if (state != State.PLAYING && now - lastReadNanos > readTimeout) {
            LOG.info("{} closing: nothing received for {} ms (readTimeout)", tag(), readTimeout / 1_000_000);
            ctx.close();
            return;
        }
        if (state == State.PLAYING) {
            if (ctx.channel().isWritable()) {
                unwritableSinceNanos = 0;
            } else if (unwritableSinceNanos == 0) {
                unwritableSinceNanos = now;
            } else if (now - unwritableSinceNanos > server.conf().io().writeTimeout().toNanos()) {
                LOG.info("{} closing: reader took no data for {} (writeTimeout)", tag(), server.conf().io().writeTimeout());
                ctx.close();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof RtmpProtocolException pe && pe.tooLarge()) {
            server.refusals().refuse(tls ? "rtmps" : "rtmp", Refusals.Cause.BODY_TOO_LARGE, remote, pe.getMessage());
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
        if (registration != null) {
            registration.close();
            registration = null;
        }
        if (ingest != null) {
            ingest.close();
        }
        if (publisher != null) {
            LOG.info("{} stopped publishing '{}'", tag(), pathName);
            publisher.close();
            publisher = null;
        }
        if (readerQueue != null) {
            readStream.removeReader(readerQueue);
            readerQueue.close();
            readerQueue = null;
        }
        if (streamEndHook != null) {
            try {
                streamEndHook.close();
            } catch (Exception e) {
                LOG.debug("{} {}", tag(), e.toString());
            }
        }
        LOG.debug("{} closed", tag());
        ctx.fireChannelInactive();
    }
}
