package io.sluice.server.rtsp;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.sluice.conf.AuthAction;
import io.sluice.conf.PathConf;
import io.sluice.net.rtsp.RtspMediaOut;
import io.sluice.net.rtsp.RtspStreamWriter;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtsp.RtspHeaders;
import io.sluice.protocol.rtsp.RtspRequest;
import io.sluice.protocol.rtsp.RtspResponse;
import io.sluice.protocol.rtsp.RtspUrl;
import io.sluice.protocol.sdp.SdpStreamMapper;
import io.sluice.protocol.sdp.SessionDescription;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspPlay is the reading side of an RTSP connection (RFC 2326 §10.2 DESCRIBE, §10.5 PLAY): it
 * describes a path's stream as SDP and, once PLAY is answered, attaches the session to the stream
 * through a reader queue and the shared {@link RtspStreamWriter}, as forward targets do.
 *
 * <p>One per connection, called only from the connection's event loop. The writer then runs on the
 * reader queue's loop: the connection's for interleaved readers, the UDP sockets' loop for UDP ones.
 */
final class RtspPlay {
    private static final Logger LOG = LoggerFactory.getLogger(RtspPlay.class);

    private final RtspConn conn;
    private final RtspServer server;
    /** The path and query of this connection's last DESCRIBE: its SETUP URLs, built on Content-Base, have no query. */
    private String describedPath;
    private String describedQuery;

    RtspPlay(RtspConn conn, RtspServer server) {
        this.conn = conn;
        this.server = server;
    }

    /**
     * The checks of a DESCRIBE that need no stream (name, entry, credentials), then the path's stream: at once,
     * or later when the path brings it on demand (the connection holds the reply and the requests behind it).
     */
    CompletableFuture<Path> describe(RtspRequest req) throws RtspRefusal {
        String pathName = RtspPathCheck.pathOf(req.uri());
        conn.paths().requireConf(pathName);
        conn.auth().authorize(req, AuthAction.READ, pathName);
        describedPath = pathName;
        describedQuery = RtspPathCheck.queryOf(req.uri());
        RtspResponse redirect = fallback(req.uri(), pathName);
        if (redirect != null) {
            throw new RtspRefusal(redirect); // an early answer: the fallback's 302
        }
        return server.paths().readableAsync(pathName, describedQuery);
    }

    /** The query of this connection's last DESCRIBE if it named this path, else null. */
    String describedQuery(String pathName) {
        return pathName.equals(describedPath) ? describedQuery : null;
    }

    /** The DESCRIBE answer once {@link #describe} gave the path: its stream as SDP. */
    RtspResponse describeReply(RtspRequest req, Path path) throws RtspRefusal {
        String pathName = path.name();
        Stream stream = path.stream();
        if (stream == null) {
            throw RtspRefusal.of(404, "Not Found", "the stream of path '" + pathName + "' ended");
        }
        String localHost = ((InetSocketAddress) conn.channel().localAddress()).getAddress().getHostAddress();
        SessionDescription sdp = SdpStreamMapper.fromStream(stream.desc(), pathName, localHost, i -> "trackID=" + i);
        RtspHeaders h = new RtspHeaders();
        h.set("Content-Base", RtspPathCheck.baseUrl(req.uri()));
        h.set("Content-Type", "application/sdp");
        return new RtspResponse(200, "OK", h, sdp.format().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * mediamtx's {@code fallback}: while the path has no stream, a 302 (RFC 2326 §11.3.3) to the entry's
     * fallback, a path of this server (same scheme, credentials and host as the request, so the client
     * authenticates there as here) or an RTSP URL; null when the path has a stream or no fallback.
     */
    private RtspResponse fallback(String uri, String pathName) {
        PathConf pc = server.paths().confFor(pathName);
        Path path = server.paths().get(pathName);
        if (pc == null || pc.fallback().isEmpty() || path != null && path.stream() != null) {
            return null;
        }
        String location = pc.fallback();
        if (location.startsWith("/")) {
            int authority = uri.indexOf("://");
            int pathStart = authority < 0 ? -1 : uri.indexOf('/', authority + 3);
            location = (pathStart < 0 ? uri : uri.substring(0, pathStart)) + location;
        }
        LOG.info("[rtsp conn {}] path '{}' has no stream: redirected to its fallback {}", conn.remote(), pathName,
                RtspUrl.redact(location));
        RtspHeaders h = new RtspHeaders();
        h.set("Location", location);
        return new RtspResponse(302, "Moved Temporarily", h, new byte[0]);
    }

    RtspResponse play(RtspRequest req) throws RtspRefusal {
        RtspSession s = conn.requireSession(RtspSession.Mode.READ);
        if (s.setupCount() == 0) {
            throw RtspRefusal.of(455, "Method Not Valid in This State", "PLAY before SETUP");
        }
        if (s.readPath.stream() == null) {
            throw RtspRefusal.of(404, "Not Found", "the stream of path '" + s.pathName + "' ended");
        }
        try {
            server.paths().checkReaderRoom(s.readPath); // again: other readers may have joined since SETUP
        } catch (PathException e) {
            throw conn.paths().refusal(e);
        }
        return RtspReplies.ok("Range", "npt=0.000-");
    }

    /** After the PLAY response is written: attach to the stream. */
    void startPlaying(RtspSession s) {
        if (s == null || s.playing) {
            return;
        }
        Stream stream = s.readPath.stream();
        if (stream == null) {
            conn.channel().close();
            return;
        }
        s.playing = true;
        boolean udp = s.usesUdp();
        EventExecutor loop = udp ? server.udp().loop() : conn.loop();
        s.writer = new RtspStreamWriter(udp ? udpOut(s) : interleavedOut(s), s.desc, stream.senderClock());
        s.readerQueue = new ReaderQueue("[rtsp session " + s.id + "] reader of '" + s.pathName + "'",
                loop, server.conf().io().writeQueueSize(), stream.keyframeMedia(), false, s.writer, LOG);
        if (udp) {
            for (RtspSession.MediaTransport t : s.transports) {
                if (t != null) {
                    server.udp().addReaderRtcp(t.udpRtcp(), s);
                }
            }
        }
        s.writer.startReports(loop);
        s.streamEndHook = s.readPath.onStreamEnd(() -> conn.channel().close());
        s.readStream = stream;
        stream.addReader(s.readerQueue, true);
        s.registration = server.sessions().register(conn.protocol(), SessionRegistry.Role.READ, s.pathName,
                conn.remote(), s.user, s.query, s.readerQueue::bytesOut, conn::kick);
        LOG.info("[rtsp session {}] {} reading '{}' over {}", s.id, conn.remote(), s.pathName, udp ? "UDP" : "TCP");
    }

    private RtspMediaOut interleavedOut(RtspSession s) {
        int n = s.transports.length;
        int[] rtp = new int[n];
        int[] rtcp = new int[n];
        for (int i = 0; i < n; i++) {
            RtspSession.MediaTransport t = s.transports[i];
            rtp[i] = t == null ? -1 : t.rtpChannel();
            rtcp[i] = t == null ? -1 : t.rtcpChannel();
        }
        return RtspMediaOut.interleaved(conn.channel(), rtp, rtcp);
    }

    /** Every media leaves from the server's one RTP/RTCP socket pair. */
    private RtspMediaOut udpOut(RtspSession s) {
        int n = s.transports.length;
        Channel[] rtp = new Channel[n];
        Channel[] rtcp = new Channel[n];
        InetSocketAddress[] rtpTo = new InetSocketAddress[n];
        InetSocketAddress[] rtcpTo = new InetSocketAddress[n];
        for (int i = 0; i < n; i++) {
            RtspSession.MediaTransport t = s.transports[i];
            rtp[i] = server.udp().rtpChannel();
            rtcp[i] = server.udp().rtcpChannel();
            rtpTo[i] = t == null ? null : t.udpRtp();
            rtcpTo[i] = t == null ? null : t.udpRtcp();
        }
        return RtspMediaOut.udp(rtp, rtcp, rtpTo, rtcpTo);
    }
}
