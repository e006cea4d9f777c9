package io.sluice.server.rtmp;

import io.netty.channel.ChannelHandlerContext;
import io.sluice.conf.AuthAction;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.rtmp.RtmpStreamWriter;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.PathManager;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtmpPlaySession is the reading side of one {@link RtmpConn}: the checks that answer a play command,
 * then the path's stream out as FLV through the same {@link RtmpStreamWriter} RTMP forward targets use,
 * and the write timeout of a player that stopped taking data.
 *
 * <p>Called only on the connection's event loop.
 */
final class RtmpPlaySession {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpPlaySession.class);

    private final RtmpConn conn;
    private final ChannelHandlerContext ctx;
    private final Stream stream;
    private final ReaderQueue queue;
    private final AutoCloseable streamEndHook;
    private final String pathName;
    private SessionRegistry.Registration registration;
    private long unwritableSinceNanos;

    private RtmpPlaySession(RtmpConn conn, String pathName, Path path, Stream stream, RtmpStreamWriter writer) {
        this.conn = conn;
        this.ctx = conn.ctx();
        this.stream = stream;
        this.queue = new ReaderQueue(conn.tag() + " reader of '" + pathName + "'", ctx.executor(),
                conn.server().conf().io().writeQueueSize(), stream.keyframeMedia(), true, writer, LOG);
        this.streamEndHook = path.onStreamEnd(() -> ctx.channel().close());
        this.pathName = pathName;
    }

    /**
     * Attaches to the stream from its last keyframe on. Separate from {@link #open} so that the
     * connection holds this session before the first write: a socket that drains during the attach
     * must find it ({@link #writable()}).
     */
    void start() {
        stream.addReader(queue, true, true);
        registration = conn.register(SessionRegistry.Role.READ, pathName, queue::bytesOut);
        LOG.info("{} reading '{}'", conn.tag(), pathName);
    }

    /**
     * The checks of a play command that need no stream (name, credentials), then the path's stream: at once, or
     * later when the path brings it on demand; null after a refusal (the connection then closes).
     */
    static CompletableFuture<Path> request(RtmpConn conn, RtmpStreamName name) {
        RtmpServer server = conn.server();
        String pathName = name.path();
        try {
            PathManager.checkName(pathName);
        } catch (PathException e) {
            conn.refuse("NetStream.Play.StreamNotFound", e);
            return null;
        }
        if (server.paths().confFor(pathName) != null) {
            String u = conn.authenticate(AuthAction.READ, pathName, name.query());
            if (u == null) {
                conn.refuse("NetStream.Play.Unauthorized", "wrong or missing credentials to read '" + pathName + "'");
                return null;
            }
            conn.user(u);
        }
        return server.paths().readableAsync(pathName, name.rawQuery());
    }

    /**
     * Answers a play command once {@link #request} completed: Play.Start, the metadata and a session to
     * {@link #start()}, or a refusal (the connection then closes) and null.
     */
    static RtmpPlaySession open(RtmpConn conn, RtmpStreamName name, CompletableFuture<Path> ready) {
        ChannelHandlerContext ctx = conn.ctx();
        String pathName = name.path();
        Path path;
        try {
            path = ready.join();
        } catch (CompletionException | CancellationException failed) {
            PathException e = PathException.of(failed);
            conn.refuse(switch (e.reason()) {
                case MAX_READERS, START_TIMEOUT -> "NetStream.Play.Failed";
                default -> "NetStream.Play.StreamNotFound";
            }, e);
            return null;
        }
        Stream stream = path.stream();
        if (stream == null) {
            conn.refuse("NetStream.Play.StreamNotFound", "the stream of '" + pathName + "' ended");
            return null;
        }
        RtmpStreamWriter writer = new RtmpStreamWriter(ctx.channel(), stream.desc(), RtmpConn.STREAM_ID);
        if (!writer.mapper().carriesAnything()) {
            conn.refuse("NetStream.Play.Failed", "no track of '" + pathName + "' can be carried over RTMP: "
                    + writer.mapper().tracks());
            return null;
        }
        for (var tr : writer.mapper().tracks()) {
            if (!tr.carried()) {
                LOG.warn("{} reader of '{}': {} track skipped: {}", conn.tag(), pathName, tr.codec(), tr.reason());
            }
        }
        ctx.write(RtmpMessage.streamBegin(RtmpConn.STREAM_ID));
        conn.status("status", "NetStream.Play.Reset", "Playing and resetting " + pathName + ".");
        conn.status("status", "NetStream.Play.Start", "Started playing " + pathName + ".");
        ctx.write(writer.mapper().metadata(ctx.alloc(), false));
        ctx.flush();
        conn.enter(RtmpConn.State.PLAYING);
        ConnectionLimiter.passed(ctx.pipeline());
        return new RtmpPlaySession(conn, pathName, path, stream, writer);
    }

    /** The player's socket drained: send what queued meanwhile. */
    void writable() {
        queue.drain();
    }

    /**
     * Once a second: closes the connection when the player took no data for the write timeout.
     */
    void tick(long now) {
        if (ctx.channel().isWritable()) {
            unwritableSinceNanos = 0;
        } else if (unwritableSinceNanos == 0) {
            unwritableSinceNanos = now;
        } else if (now - unwritableSinceNanos > conn.server().conf().io().writeTimeout().toNanos()) {
            LOG.info("{} closing: reader took no data for {} (writeTimeout)", conn.tag(),
                    conn.server().conf().io().writeTimeout());
            ctx.close();
        }
    }

    /** Leaves the session registry and detaches from the stream. On the loop. */
    void close() {
        if (registration != null) {
            registration.close();
        }
        stream.removeReader(queue);
        queue.close();
        try {
            streamEndHook.close();
        } catch (Exception e) {
            LOG.debug("{} {}", conn.tag(), e.toString());
        }
    }
}
