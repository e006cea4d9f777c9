package io.sluice.server.rtmp;

import io.netty.channel.ChannelHandlerContext;
import io.sluice.conf.AuthAction;
import io.sluice.net.ConnectionLimiter;
import io.sluice.path.PathException;
import io.sluice.path.PathManager;
import io.sluice.path.Publisher;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.protocol.rtmp.RtmpProtocolException;
import io.sluice.protocol.rtmp.RtmpToStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtmpPublishSession is the publishing side of one {@link RtmpConn}: the checks that answer a publish
 * command, the probe of the first FLV tags (to learn the tracks), then every FLV tag written to the
 * path's stream through {@link RtmpToStream}.
 *
 * <p>Called only on the connection's event loop, which is also the loop the path's stream fans out on:
 * a frame reaches the forward targets' sockets without a thread hand-off.
 */
final class RtmpPublishSession {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpPublishSession.class);

    private final RtmpConn conn;
    private final ChannelHandlerContext ctx;
    private final String pathName;
    private final RtmpToStream ingest;
    private Publisher publisher;
    private boolean batchPending;
    private SessionRegistry.Registration registration;

    private RtmpPublishSession(RtmpConn conn, String pathName) {
        this.conn = conn;
        this.ctx = conn.ctx();
        this.pathName = pathName;
        this.ingest = new RtmpToStream(ctx.alloc());
    }

    /**
     * Answers a publish command to {@code name}: Publish.Start and a session that probes, or a refusal
     * (the connection then closes) and null.
     */
    static RtmpPublishSession open(RtmpConn conn, RtmpStreamName name) {
        RtmpServer server = conn.server();
        String pathName = name.path();
        try {
            PathManager.checkName(pathName);
        } catch (PathException e) {
            conn.refuse("NetStream.Publish.BadName", e);
            return null;
        }
        if (server.paths().confFor(pathName) == null) {
            conn.refuse("NetStream.Publish.BadName", "path '" + pathName + "' is not configured");
            return null;
        }
        String u = conn.authenticate(AuthAction.PUBLISH, pathName, name.query());
        if (u == null) {
            conn.refuse("NetStream.Publish.Unauthorized", "wrong or missing credentials to publish to '"
                    + pathName + "'");
            return null;
        }
        try {
            server.paths().checkPublish(pathName); // maxPaths: refused before Publish.Start, not after probing
        } catch (PathException e) {
            conn.refuse("NetStream.Publish.Failed", e);
            return null;
        }
        conn.user(u);
        ChannelHandlerContext ctx = conn.ctx();
        ctx.write(RtmpMessage.streamBegin(RtmpConn.STREAM_ID));
        conn.status("status", "NetStream.Publish.Start", pathName + " is now published.");
        RtmpPublishSession s = new RtmpPublishSession(conn, pathName);
        conn.enter(RtmpConn.State.PUBLISH_PROBING);
        ConnectionLimiter.passed(ctx.pipeline());
        LOG.info("{} publishing to '{}'", conn.tag(), pathName);
        return s;
    }

    /**
     * Probes with one FLV tag (ownership stays with the caller); once the tracks are known or the probe
     * time is up, publishes the path (the connection enters PUBLISHING) and writes the held tags, or
     * refuses (the connection closes).
     */
    void probe(RtmpMessage m) throws RtmpProtocolException {
        if (ingest.probe(m) || ingest.probeExpired()) {
            startStream();
        }
    }

    /** Writes one FLV tag to the stream (ownership stays with the caller). */
    void write(RtmpMessage m) throws RtmpProtocolException {
        ingest.write(publisher.stream(), m, System.nanoTime());
        batchPending = true;
    }

    /** Ends the stream's batch after the connection's read batch, so readers flush once. */
    void readComplete() {
        if (batchPending && publisher != null) {
            publisher.stream().batchEnd();
        }
        batchPending = false;
    }

    private void startStream() throws RtmpProtocolException {
        try {
            publisher = conn.server().paths().publish(pathName, ingest.desc(), ctx.channel().eventLoop(),
                    conn.scheme() + "Conn " + conn.remote(), conn::kick);
        } catch (PathException e) {
            conn.refuse(switch (e.reason()) {
                case BUSY, BAD_NAME -> "NetStream.Publish.BadName";
                case NOT_CONFIGURED, NO_STREAM, MAX_PATHS, MAX_READERS, START_TIMEOUT -> "NetStream.Publish.Failed";
            }, e);
            return;
        }
        conn.enter(RtmpConn.State.PUBLISHING);
        // the stream counts what it gets
        registration = conn.register(SessionRegistry.Role.PUBLISH, pathName, publisher.stream()::bytesIn);
        if (ingest.skipped() != null) {
            LOG.warn("{} publisher of '{}': {}", conn.tag(), pathName, ingest.skipped());
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

    /** Leaves the session registry, frees the probe and ends the path's publisher. On the loop. */
    void close() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
        ingest.close();
        if (publisher != null) {
            LOG.info("{} stopped publishing '{}'", conn.tag(), pathName);
            publisher.close();
            publisher = null;
        }
    }
}
