package io.sluice.server.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.sluice.net.webrtc.WebrtcStreamWriter;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.webrtc.Egress;
import io.sluice.protocol.webrtc.LocalEndpoint;
import io.sluice.protocol.webrtc.SkippedMedia;
import io.sluice.protocol.webrtc.WebrtcNegotiationException;
import io.sluice.protocol.webrtc.WebrtcNegotiator;
import io.sluice.protocol.webrtc.WebrtcSession;
import io.sluice.stream.Stream;
import java.util.Map;

/**
 * WebrtcReadSession is one WHEP reader: the path's stream sent as received over the peer connection,
 * from the cached keyframe on, with the reader's NACKs and PLIs answered.
 */
final class WebrtcReadSession extends WebrtcPeerSession {
    private Stream stream;
    private WebrtcStreamWriter writer;
    private AutoCloseable endHook;

    WebrtcReadSession(WebrtcServer server, String id, String path, String remote, String user) {
        super(server, id, path, remote, user, "read", loopOf(server, path));
    }

    @Override
    SessionRegistry.Role role() {
        return SessionRegistry.Role.READ;
    }

    @Override
    long bytes() {
        return transport.bytesSent();
    }

    /** The publisher's loop, so the reader gets units inline; any loop if the path has no stream (refused later). */
    private static EventLoop loopOf(WebrtcServer server, String path) {
        try {
            EventLoop l = server.paths().readable(path).publisherLoop();
            if (l != null) {
                return l;
            }
        } catch (PathException e) {
            // setUp reports it
        }
        return server.loops().next();
    }

    @Override
    String setUp(WebrtcSession offer, LocalEndpoint local) throws WebrtcNegotiationException, PathException {
        Path p = server.paths().readable(path);
        stream = p.stream();
        if (stream == null || p.publisherLoop() != loop) {
            throw new PathException(PathException.Reason.NO_STREAM, "the stream of '" + path + "' ended");
        }
        Egress out = WebrtcNegotiator.answerRead(offer, stream.desc(), local);
        for (SkippedMedia s : out.skipped()) {
            LOG.warn("{} reader of '{}': {} track skipped: {}", tag, path, s.codec(), s.reason());
        }
        writer = new WebrtcStreamWriter(tag + " reader of '" + path + "'", transport, stream, loop, out.tracks(),
                Map.of(), server.conf().io().writeQueueSize(), LOG);
        endHook = p.onStreamEnd(this::close);
        return out.sdp();
    }

    @Override
    void started() {
        writer.start();
        LOG.info("{} reading '{}'", tag, path);
    }

    @Override
    public void onRtcp(ByteBuf rtcp, long receivedNanos) {
        if (writer == null) {
            rtcp.release();
            return;
        }
        writer.onRtcp(rtcp);
    }

    @Override
    long nanosSinceHeard() {
        return writer == null ? 0 : writer.nanosSinceRemoteRtcp();
    }

    @Override
    void tearDown() {
        if (writer != null) {
            writer.close();
        }
        if (endHook != null) {
            try {
                endHook.close();
            } catch (Exception e) {
                LOG.debug("{} {}", tag, e.toString());
            }
        }
    }
}
