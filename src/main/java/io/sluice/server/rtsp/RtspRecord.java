package io.sluice.server.rtsp;

import io.netty.buffer.ByteBuf;
import io.sluice.conf.AuthAction;
import io.sluice.path.PathException;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtp.PublisherSenderReports;
import io.sluice.protocol.rtp.RtpPacketException;
import io.sluice.protocol.rtsp.RtspRequest;
import io.sluice.protocol.rtsp.RtspResponse;
import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.sdp.SdpStreamMapper;
import io.sluice.protocol.sdp.SessionDescription;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.StreamDesc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspRecord is the publishing side of an RTSP connection (RFC 2326 §10.3 ANNOUNCE, §10.11 RECORD): it
 * turns the announced SDP into the session's stream description, publishes on the path, and routes
 * UDP packets to the stream (interleaved ones come through {@link RtspConn}).
 *
 * <p>One per connection, called only from the connection's event loop.
 */
final class RtspRecord {
    private static final Logger LOG = LoggerFactory.getLogger(RtspRecord.class);

    private final RtspConn conn;
    private final RtspServer server;

    RtspRecord(RtspConn conn, RtspServer server) {
        this.conn = conn;
        this.server = server;
    }

    RtspResponse announce(RtspRequest req) throws RtspRefusal {
        if (conn.session() != null) {
            throw RtspRefusal.of(455, "Method Not Valid in This State", "session already set up");
        }
        String pathName = RtspPathCheck.pathOf(req.uri());
        conn.paths().requireConf(pathName);
        String user = conn.auth().authorize(req, AuthAction.PUBLISH, pathName);
        try {
            server.paths().checkPublish(pathName); // maxPaths: refused here, before the client sets up
        } catch (PathException e) {
            throw conn.paths().refusal(e);
        }
        String ct = req.headers().get("Content-Type");
        if (ct != null && !ct.toLowerCase().startsWith("application/sdp")) {
            throw RtspRefusal.of(415, "Unsupported Media Type", "content type " + ct + " is not application/sdp");
        }
        StreamDesc desc;
        try {
            desc = SdpStreamMapper.toStream(SessionDescription.parse(new String(req.body(), StandardCharsets.UTF_8)));
        } catch (SdpException e) {
            throw RtspRefusal.of(400, "Bad Request", "invalid SDP: " + e.getMessage());
        }
        if (!server.acquireSession(conn.remote())) {
            throw RtspRefusal.of(503, "Service Unavailable", "too many sessions");
        }
        RtspSession s = new RtspSession(RtspAuthCheck.newSessionId(), RtspSession.Mode.PUBLISH, pathName, desc, user);
        s.query = RtspPathCheck.queryOf(req.uri());
        conn.session(s);
        LOG.info("[rtsp session {}] {} announced {} on path '{}'", s.id, conn.remote(), describeMedias(desc), pathName);
        return RtspReplies.ok();
    }

    RtspResponse record(RtspRequest req) throws RtspRefusal {
        RtspSession s = conn.requireSession(RtspSession.Mode.PUBLISH);
        if (s.publisher != null) {
            return RtspReplies.ok();
        }
        if (s.setupCount() == 0) {
            throw RtspRefusal.of(455, "Method Not Valid in This State", "RECORD before SETUP");
        }
        boolean udp = s.usesUdp();
        try {
            s.publisher = server.paths().publish(s.pathName, s.desc, udp ? server.udp().loop()
                    : conn.channel().eventLoop(), conn.protocol() + "Session " + conn.remote(), conn::kick);
        } catch (PathException e) {
            throw conn.paths().refusal(e);
        }
        if (udp) {
            for (int i = 0; i < s.transports.length; i++) {
                RtspSession.MediaTransport t = s.transports[i];
                if (t != null) {
                    server.udp().addPublisherRoute(t.udpRtp(), t.udpRtcp(),
                            new RtspUdp.Route(s.publisher.stream(), i, s));
                }
            }
        }
        s.touch();
        s.registration = server.sessions().register(conn.protocol(), SessionRegistry.Role.PUBLISH, s.pathName,
                conn.remote(), s.user, s.query, s.publisher.stream()::bytesIn, conn::kick);
        LOG.info("[rtsp session {}] publishing to '{}' over {}", s.id, s.pathName, udp ? "UDP" : "TCP");
        return RtspReplies.ok();
    }

    /** A publisher's interleaved RTCP: keep the mapping of its sender reports. Does not release. */
    static void publisherRtcp(RtspSession s, int channel, ByteBuf rtcp) {
        for (int m = 0; m < s.transports.length; m++) {
            RtspSession.MediaTransport t = s.transports[m];
            if (t != null && t.tcp() && t.rtcpChannel() == channel) {
                try {
                    PublisherSenderReports.record(s.publisher.stream().senderClock(), m,
                            s.desc.medias().get(m).format().clockRate(), rtcp);
                } catch (RtpPacketException e) {
                    LOG.debug("[rtsp session {}] bad RTCP on channel {}: {}", s.id, channel, e.getMessage());
                }
                return;
            }
        }
    }

    private static String describeMedias(StreamDesc desc) {
        List<String> parts = new ArrayList<>();
        for (MediaDesc m : desc.medias()) {
            parts.add(m.format().codec() + "/" + m.format().encodingName());
        }
        return String.join(", ", parts);
    }
}
