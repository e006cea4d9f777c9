package io.sluice.server.rtsp;

import io.sluice.conf.AuthAction;
import io.sluice.path.Path;
import io.sluice.protocol.rtsp.RtspRequest;
import io.sluice.protocol.rtsp.RtspResponse;
import io.sluice.protocol.rtsp.RtspTransportHeader;
import io.sluice.protocol.rtsp.RtspUrl;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.Stream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * RtspSetup answers SETUP (RFC 2326 §10.4): it picks the first offered transport the connection
 * accepts and records in the session how the media travels. A reader's first SETUP also creates its
 * session, from the path named in the URL; a publisher's session already exists from ANNOUNCE.
 *
 * <p>A reader's first SETUP need not follow a DESCRIBE (some clients, and mediamtx proxies, send it directly
 * with the track URL they know): it is checked as a DESCRIBE is ({@link #reader}), and on a path that brings
 * its stream on demand it waits for the stream as a DESCRIBE does, as mediamtx's does; the connection then
 * answers it with {@link #setup(RtspRequest, Reader)}.
 *
 * <p>One per connection, called only from the connection's event loop.
 */
final class RtspSetup {
    private final RtspConn conn;
    private final RtspServer server;
    /** Came in on the RTSPS listener: RTP may only go interleaved in the TLS stream. */
    private final boolean tls;
    /** The connection's reading side: the query of its DESCRIBE. */
    private final RtspPlay play;

    RtspSetup(RtspConn conn, RtspServer server, boolean tls, RtspPlay play) {
        this.conn = conn;
        this.server = server;
        this.tls = tls;
        this.play = play;
    }

    /**
     * A reader's first SETUP (its connection has no session yet), checked: the path's name and entry and the
     * credentials, and then the path with its stream, at once or when the path brought it on demand.
     *
     * @param pathName the path the URL names (a trailing "trackID=N" control taken off)
     * @param user who the credentials authenticated, "" when none were needed
     * @param query the query the reader sent (MTX_QUERY): the SETUP URL's, else its DESCRIBE's of the same path
     *     (a Content-Base has no query, so SETUP URLs built on it lose it)
     * @param path completes with the path once it has a stream, or fails with a PathException
     */
    record Reader(String pathName, String user, String query, CompletableFuture<Path> path) {
    }

    /** Checks a reader's first SETUP as a DESCRIBE is checked and asks for the path's stream. */
    Reader reader(RtspRequest req) throws RtspRefusal {
        if (req.headers().get("Transport") == null) { // refused before it could start an on-demand stream
            throw RtspRefusal.of(461, "Unsupported Transport", "missing Transport header");
        }
        String pathName = RtspPathCheck.readerPathOf(req.uri());
        conn.paths().requireConf(pathName);
        String user = conn.auth().authorize(req, AuthAction.READ, pathName);
        String query = RtspPathCheck.queryOf(req.uri());
        String described = play.describedQuery(pathName);
        String q = query.isEmpty() && described != null ? described : query;
        return new Reader(pathName, user, q, server.paths().readableAsync(pathName, q));
    }

    /** SETUP of a session that exists (a publisher's, or a reader's second media). */
    RtspResponse setup(RtspRequest req) throws RtspRefusal {
        return setup(req, null);
    }

    /**
     * SETUP, holding a session slot from the first SETUP of a new session until that session closes.
     *
     * @param reader a reader's first SETUP, its path's stream there ({@link Reader#path()} done); null otherwise
     */
    RtspResponse setup(RtspRequest req, Reader reader) throws RtspRefusal {
        boolean fresh = conn.session() == null;
        if (fresh && !server.acquireSession(conn.remote())) {
            throw RtspRefusal.of(503, "Service Unavailable", "too many sessions");
        }
        try {
            return setupSession(req, reader);
        } finally {
            if (fresh && conn.session() == null) { // refused: no session holds the slot
                server.releaseSession();
            }
        }
    }

    /**
     * Whether this connection may carry RTP this way. Over RTSPS only interleaved TCP: UDP would send the
     * media in clear beside the encrypted control channel (as mediamtx, which refuses it the same way).
     */
    private boolean accepts(RtspTransportHeader t) {
        if (t.multicast()) {
            return false;
        }
        if (tls) {
            return t.lower() == RtspTransportHeader.Lower.TCP;
        }
        return t.lower() == RtspTransportHeader.Lower.TCP ? server.tcpAllowed() : server.udpAllowed();
    }

    private RtspResponse setupSession(RtspRequest req, Reader reader) throws RtspRefusal {
        String transportValue = req.headers().get("Transport");
        if (transportValue == null) {
            throw RtspRefusal.of(461, "Unsupported Transport", "missing Transport header");
        }
        RtspSession s = conn.session();
        int media;
        if (s == null || s.mode == RtspSession.Mode.READ) {
            // A reader's first SETUP creates its session from the path named in the URL.
            if (s == null) {
                if (reader == null) {
                    throw new IllegalStateException("a reader's first SETUP comes with its checked Reader");
                }
                Path path = conn.paths().joined(reader.path());
                Stream stream = path.stream();
                if (stream == null) {
                    throw RtspRefusal.of(404, "Not Found", "the stream of path '" + reader.pathName() + "' ended");
                }
                s = new RtspSession(RtspAuthCheck.newSessionId(), RtspSession.Mode.READ, reader.pathName(),
                        stream.desc(), reader.user());
                s.readPath = path;
                s.query = reader.query();
            }
            media = RtspPathCheck.readerMediaOf(req.uri(), s.desc);
        } else {
            List<String> controls = new ArrayList<>();
            for (MediaDesc m : s.desc.medias()) {
                controls.add(m.control());
            }
            media = RtspUrl.mediaIndexFromSetupUri(req.uri(), "/" + s.pathName, controls);
        }
        if (media < 0 || media >= s.transports.length) {
            throw RtspRefusal.of(404, "Not Found", "no media matches " + RtspUrl.redact(req.uri()));
        }
        if (s.publisher != null || s.playing) {
            throw RtspRefusal.of(455, "Method Not Valid in This State", "SETUP after RECORD/PLAY");
        }
        RtspTransportHeader chosen = null;
        for (RtspTransportHeader t : RtspTransportHeader.parseAll(transportValue)) {
            if (accepts(t)) {
                chosen = t;
                break;
            }
        }
        if (chosen == null) {
            throw RtspRefusal.of(461, "Unsupported Transport",
                    "transport not accepted: " + transportValue + "; accepted: "
                            + (tls ? "RTP/AVP/TCP (interleaved in the TLS stream)" : server.acceptedTransports()));
        }
        String answer = chosen.lower() == RtspTransportHeader.Lower.TCP ? interleaved(s, media, chosen)
                : udp(s, media, chosen);
        if (s.usesTcp() && s.usesUdp()) {
            s.transports[media] = null;
            throw RtspRefusal.of(461, "Unsupported Transport", "mixing TCP and UDP in one session");
        }
        conn.session(s);
        return RtspReplies.ok("Transport", answer);
    }

    /** Sets up a media interleaved in this connection; returns the Transport answer. */
    private static String interleaved(RtspSession s, int media, RtspTransportHeader chosen) throws RtspRefusal {
        int rtp = chosen.interleaved() != null ? chosen.interleaved().rtp() : 2 * media;
        int rtcp = chosen.interleaved() != null ? chosen.interleaved().rtcp() : rtp + 1;
        if (rtp < 0 || rtp > 255 || rtcp < 0 || rtcp > 255) {
            throw RtspRefusal.of(461, "Unsupported Transport", "interleaved channel out of range 0-255");
        }
        s.transports[media] = new RtspSession.MediaTransport(true, rtp, rtcp, null, null);
        s.mediaByChannel[rtp] = media;
        return "RTP/AVP/TCP;unicast;interleaved=" + rtp + "-" + rtcp;
    }

    /** Sets up a media over UDP to the client's ports; returns the Transport answer. */
    private String udp(RtspSession s, int media, RtspTransportHeader chosen) throws RtspRefusal {
        RtspTransportHeader.PortRange cp = chosen.clientPort();
        if (cp == null) {
            throw RtspRefusal.of(461, "Unsupported Transport", "UDP transport without client_port");
        }
        InetAddress host = ((InetSocketAddress) conn.channel().remoteAddress()).getAddress();
        int rtcpPort = cp.rtcp();
        s.transports[media] = new RtspSession.MediaTransport(false, -1, -1, new InetSocketAddress(host, cp.rtp()),
                new InetSocketAddress(host, rtcpPort));
        String answer = "RTP/AVP;unicast;client_port=" + cp.rtp() + "-" + rtcpPort + ";server_port="
                + server.udp().rtpPort() + "-" + server.udp().rtcpPort();
        return s.mode == RtspSession.Mode.PUBLISH ? answer + ";mode=record" : answer;
    }
}
