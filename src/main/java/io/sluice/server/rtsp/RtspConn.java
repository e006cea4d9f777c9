package io.sluice.server.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.auth.Authorizer;
import io.sluice.conf.AuthAction;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.PathManager;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtp.PublisherSenderReports;
import io.sluice.protocol.rtp.RtpPacketException;
import io.sluice.protocol.rtp.SenderReports;
import io.sluice.protocol.rtsp.InterleavedFrame;
import io.sluice.protocol.rtsp.RtspAuth;
import io.sluice.protocol.rtsp.RtspHeaders;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.Refusals;
import io.sluice.protocol.rtsp.RtspProtocolException;
import io.sluice.protocol.rtsp.RtspRequest;
import io.sluice.protocol.rtsp.RtspResponse;
import io.sluice.protocol.rtsp.RtspTransportHeader;
import io.sluice.protocol.rtsp.RtspUrl;
import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.sdp.SdpStreamMapper;
import io.sluice.protocol.sdp.SessionDescription;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.Unit;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspConn serves one RTSP control connection (RFC 2326 / RFC 7826 subset used by publishers and
 * players): it answers requests, runs the connection's session, and carries interleaved packets.
 *
 * <p>Every method runs on the connection's event loop; the session state takes no locks.
 */
final class RtspConn extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RtspConn.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Session timeout announced to clients (RFC 2326 §12.37); UDP readers must keep alive within it. */
    static final int SESSION_TIMEOUT_SECONDS = 60;
    static final int SENDER_REPORT_SECONDS = 5;
    static final String PUBLIC_METHODS =
            "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, GET_PARAMETER, SET_PARAMETER, TEARDOWN";
    static final String REALM = "sluice";

    private final RtspServer server;
    /** Came in on the RTSPS listener: sessions are labelled rtsps, and RTP may only go interleaved in the TLS stream. */
    private final boolean tls;
    private final String nonce = HexFormat.of().formatHex(randomBytes(16));
    private ChannelHandlerContext ctx;
    private String remote = "?";
    private RtspSession session;
    private SenderReports reports;
    private ScheduledFuture<?> timer;
    /** The stream written during the current read batch, flushed at read-complete; null when none. */
    private Stream batchStream;
    private long ticks;
    /** When the reader's socket stopped taking data (0 = writable), for writeTimeout. */
    private long unwritableSinceNanos;
    /** Set when the current request's refusal was counted (and so logged) by the path manager's Refusals. */
    private boolean refusalCounted;

    RtspConn(RtspServer server, boolean tls) {
        this.server = server;
        this.tls = tls;
    }

    private String protocol() {
        return tls ? "rtsps" : "rtsp";
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

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.remote = SessionRegistry.remote(ctx.channel().remoteAddress());
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
                    publisherRtcp(s, f.channel(), payload);
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

    /** A publisher's interleaved RTCP: keep the mapping of its sender reports. Does not release. */
    private void publisherRtcp(RtspSession s, int channel, ByteBuf rtcp) {
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
                && cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
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
            ctx.writeAndFlush(new RtspResponse(pe.status(), io.sluice.protocol.rtsp.RtspStatus.reason(pe.status()), h,
                    (c.getMessage() + "\r\n").getBytes(StandardCharsets.UTF_8)))
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        } else if (c instanceof java.io.IOException) {
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
        closeSession("connection closed");
        LOG.debug("[rtsp conn {}] closed", remote);
    }

    /** Once a second: session timeouts and, every few seconds, sender reports. */
    private void tick() {
        RtspSession s = session;
        if (s == null) {
            return;
        }
        if (++ticks % SENDER_REPORT_SECONDS == 0) {
            sendReports();
        }
        if (s.mode == RtspSession.Mode.PUBLISH && s.publisher != null
                && s.idleNanos() > server.conf().io().readTimeout().toNanos()) {
            LOG.warn("[rtsp session {}] publisher sent nothing for {}; closing", s.id, server.conf().io().readTimeout());
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
        String cseq = req.headers().get("CSeq");
        RtspResponse res;
        try {
            res = switch (req.method()) {
                case "OPTIONS" -> ok("Public", PUBLIC_METHODS);
                case "DESCRIBE" -> describe(req);
                case "ANNOUNCE" -> announce(req);
                case "SETUP" -> setup(req);
                case "PLAY" -> play(req);
                case "RECORD" -> record(req);
                case "PAUSE", "GET_PARAMETER", "SET_PARAMETER" -> keepalive(req);
                case "TEARDOWN" -> teardown();
                default -> status(501, "Not Implemented", "method " + req.method() + " is not supported");
            };
        } catch (Refusal r) {
            res = r.response;
        }
        if (cseq != null) {
            res.headers().set("CSeq", cseq);
        }
        res.headers().set("Server", "Sluice");
        if (session != null && !req.method().equals("TEARDOWN") && res.status() < 300) {
            res.headers().set("Session", session.id + ";timeout=" + SESSION_TIMEOUT_SECONDS);
        }
        if (refusalCounted) {
            refusalCounted = false; // Refusals logged it, at most once a second per cause
        } else if (res.status() >= 400) {
            LOG.info("[rtsp conn {}] {} {} -> {} {}", remote, req.method(), RtspUrl.redact(req.uri()), res.status(),
                    new String(res.body(), StandardCharsets.UTF_8).strip());
        }
        ctx.write(res);
        if (req.method().equals("PLAY") && res.status() == 200) {
            startPlaying();
        }
    }

    // ---- requests ----

    private RtspResponse describe(RtspRequest req) throws Refusal {
        String pathName = pathOf(req.uri());
        requirePathConf(pathName);
        authorize(req, AuthAction.READ, pathName);
        Path path = readable(pathName);
        Stream stream = path.stream();
        SessionDescription sdp = SdpStreamMapper.fromStream(stream.desc(), pathName, localHost(), i -> "trackID=" + i);
        RtspHeaders h = new RtspHeaders();
        h.set("Content-Base", baseUrl(req.uri()));
        h.set("Content-Type", "application/sdp");
        return new RtspResponse(200, "OK", h, sdp.format().getBytes(StandardCharsets.UTF_8));
    }

    private RtspResponse announce(RtspRequest req) throws Refusal {
        if (session != null) {
            throw new Refusal(status(455, "Method Not Valid in This State", "session already set up"));
        }
        String pathName = pathOf(req.uri());
        requirePathConf(pathName);
        String user = authorize(req, AuthAction.PUBLISH, pathName);
        try {
            server.paths().checkPublish(pathName); // maxPaths: refused here, before the client sets up
        } catch (PathException e) {
            throw new Refusal(pathError(e));
        }
        String ct = req.headers().get("Content-Type");
        if (ct != null && !ct.toLowerCase().startsWith("application/sdp")) {
            throw new Refusal(status(415, "Unsupported Media Type", "content type " + ct + " is not application/sdp"));
        }
        StreamDesc desc;
        try {
            desc = SdpStreamMapper.toStream(SessionDescription.parse(new String(req.body(), StandardCharsets.UTF_8)));
        } catch (SdpException e) {
            throw new Refusal(status(400, "Bad Request", "invalid SDP: " + e.getMessage()));
        }
        if (!server.acquireSession(remote)) {
            throw new Refusal(status(503, "Service Unavailable", "too many sessions"));
        }
        session = new RtspSession(newSessionId(), RtspSession.Mode.PUBLISH, pathName, desc, user);
        LOG.info("[rtsp session {}] {} announced {} on path '{}'", session.id, remote, describeMedias(desc), pathName);
        return ok();
    }

    /** SETUP, holding a session slot from the first SETUP of a new session until that session closes. */
    private RtspResponse setup(RtspRequest req) throws Refusal {
        boolean fresh = session == null;
        if (fresh && !server.acquireSession(remote)) {
            throw new Refusal(status(503, "Service Unavailable", "too many sessions"));
        }
        try {
            return setupSession(req);
        } finally {
            if (fresh && session == null) { // refused: no session holds the slot
                server.releaseSession();
            }
        }
    }

    private RtspResponse setupSession(RtspRequest req) throws Refusal {
        String transportValue = req.headers().get("Transport");
        if (transportValue == null) {
            throw new Refusal(status(461, "Unsupported Transport", "missing Transport header"));
        }
        RtspSession s = session;
        int media;
        if (s == null || s.mode == RtspSession.Mode.READ) {
            // A reader's first SETUP creates its session from the path named in the URL.
            String pathName = s != null ? s.pathName : readerPathOf(req.uri());
            if (s == null) {
                requirePathConf(pathName);
                String user = authorize(req, AuthAction.READ, pathName);
                Path path = readable(pathName);
                s = new RtspSession(newSessionId(), RtspSession.Mode.READ, pathName, path.stream().desc(), user);
                s.readPath = path;
            }
            media = readerMediaOf(req.uri(), s.desc);
        } else {
            List<String> controls = new ArrayList<>();
            for (MediaDesc m : s.desc.medias()) {
                controls.add(m.control());
            }
            media = RtspUrl.mediaIndexFromSetupUri(req.uri(), "/" + s.pathName, controls);
        }
        if (media < 0 || media >= s.transports.length) {
            throw new Refusal(status(404, "Not Found", "no media matches " + RtspUrl.redact(req.uri())));
        }
        if (s.publisher != null || s.playing) {
            throw new Refusal(status(455, "Method Not Valid in This State", "SETUP after RECORD/PLAY"));
        }
        RtspTransportHeader chosen = null;
        for (RtspTransportHeader t : RtspTransportHeader.parseAll(transportValue)) {
            if (accepts(t)) {
                chosen = t;
                break;
            }
        }
        if (chosen == null) {
            throw new Refusal(status(461, "Unsupported Transport",
                    "transport not accepted: " + transportValue + "; accepted: "
                            + (tls ? "RTP/AVP/TCP (interleaved in the TLS stream)" : server.acceptedTransports())));
        }
        String answer;
        if (chosen.lower() == RtspTransportHeader.Lower.TCP) {
            int rtp = chosen.interleaved() != null ? chosen.interleaved().rtp() : 2 * media;
            int rtcp = chosen.interleaved() != null ? chosen.interleaved().rtcp() : rtp + 1;
            if (rtp < 0 || rtp > 255 || rtcp < 0 || rtcp > 255) {
                throw new Refusal(status(461, "Unsupported Transport", "interleaved channel out of range 0-255"));
            }
            s.transports[media] = new RtspSession.MediaTransport(true, rtp, rtcp, null, null);
            s.mediaByChannel[rtp] = media;
            answer = "RTP/AVP/TCP;unicast;interleaved=" + rtp + "-" + rtcp;
        } else {
            RtspTransportHeader.PortRange cp = chosen.clientPort();
            if (cp == null) {
                throw new Refusal(status(461, "Unsupported Transport", "UDP transport without client_port"));
            }
            var host = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            int rtcpPort = cp.rtcp();
            s.transports[media] = new RtspSession.MediaTransport(false, -1, -1, new InetSocketAddress(host, cp.rtp()),
                    new InetSocketAddress(host, rtcpPort));
            answer = "RTP/AVP;unicast;client_port=" + cp.rtp() + "-" + rtcpPort + ";server_port="
                    + server.udp().rtpPort() + "-" + server.udp().rtcpPort();
            if (s.mode == RtspSession.Mode.PUBLISH) {
                answer += ";mode=record";
            }
        }
        if (s.usesTcp() && s.usesUdp()) {
            s.transports[media] = null;
            throw new Refusal(status(461, "Unsupported Transport", "mixing TCP and UDP in one session"));
        }
        session = s;
        return ok("Transport", answer);
    }

    private RtspResponse record(RtspRequest req) throws Refusal {
        RtspSession s = requireSession(RtspSession.Mode.PUBLISH);
        if (s.publisher != null) {
            return ok();
        }
        if (s.setupCount() == 0) {
            throw new Refusal(status(455, "Method Not Valid in This State", "RECORD before SETUP"));
        }
        boolean udp = s.usesUdp();
        try {
            s.publisher = server.paths().publish(s.pathName, s.desc, udp ? server.udp().loop() : ctx.channel().eventLoop(),
                    protocol() + "Session " + remote);
        } catch (PathException e) {
            throw new Refusal(pathError(e));
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
        s.registration = server.sessions().register(protocol(), SessionRegistry.Role.PUBLISH, s.pathName, remote, s.user,
                s.publisher.stream()::bytesIn, this::kick);
        LOG.info("[rtsp session {}] publishing to '{}' over {}", s.id, s.pathName, udp ? "UDP" : "TCP");
        return ok();
    }

    private RtspResponse play(RtspRequest req) throws Refusal {
        RtspSession s = requireSession(RtspSession.Mode.READ);
        if (s.setupCount() == 0) {
            throw new Refusal(status(455, "Method Not Valid in This State", "PLAY before SETUP"));
        }
        if (s.readPath.stream() == null) {
            throw new Refusal(status(404, "Not Found", "the stream of path '" + s.pathName + "' ended"));
        }
        try {
            server.paths().checkReaderRoom(s.readPath); // again: other readers may have joined since SETUP
        } catch (PathException e) {
            throw new Refusal(pathError(e));
        }
        return ok("Range", "npt=0.000-");
    }

    /** After the PLAY response is written: attach to the stream. */
    private void startPlaying() {
        RtspSession s = session;
        if (s == null || s.playing) {
            return;
        }
        Stream stream = s.readPath.stream();
        if (stream == null) {
            ctx.close();
            return;
        }
        s.playing = true;
        int[] rates = new int[s.desc.medias().size()];
        for (int i = 0; i < rates.length; i++) {
            rates[i] = s.desc.medias().get(i).format().clockRate();
        }
        reports = new SenderReports(rates, stream.senderClock());
        boolean udp = s.usesUdp();
        ReaderQueue.Sink sink = udp ? new UdpSink(s) : new TcpSink(s);
        s.readerQueue = new ReaderQueue("[rtsp session " + s.id + "] reader of '" + s.pathName + "'",
                udp ? server.udp().loop() : ctx.executor(), server.conf().io().writeQueueSize(), stream.keyframeMedia(),
                false, sink, LOG);
        if (udp) {
            for (RtspSession.MediaTransport t : s.transports) {
                if (t != null) {
                    server.udp().addReaderRtcp(t.udpRtcp(), s);
                }
            }
        }
        s.streamEndHook = s.readPath.onStreamEnd(() -> ctx.channel().close());
        s.readStream = stream;
        stream.addReader(s.readerQueue, true);
        s.registration = server.sessions().register(protocol(), SessionRegistry.Role.READ, s.pathName, remote, s.user,
                s.readerQueue::bytesOut, this::kick);
        LOG.info("[rtsp session {}] {} reading '{}' over {}", s.id, remote, s.pathName, udp ? "UDP" : "TCP");
    }

    private void sendReports() {
        RtspSession s = session;
        if (s == null || !s.playing || reports == null) {
            return;
        }
        // Reports are built on this loop from counters the sink updates; for UDP readers the sink runs
        // on the UDP loop, so hop there to read a consistent view.
        if (s.usesUdp()) {
            server.udp().loop().execute(() -> sendReportsNow(s));
        } else {
            sendReportsNow(s);
        }
    }

    private void sendReportsNow(RtspSession s) {
        for (int i = 0; i < s.transports.length; i++) {
            RtspSession.MediaTransport t = s.transports[i];
            if (t == null) {
                continue;
            }
            ByteBuf sr = reports.report(i, ctx.alloc());
            if (sr == null) {
                continue;
            }
            if (t.tcp()) {
                ctx.writeAndFlush(new InterleavedFrame(t.rtcpChannel(), sr), ctx.voidPromise());
            } else {
                server.udp().rtcpChannel().writeAndFlush(new DatagramPacket(sr, t.udpRtcp()),
                        server.udp().rtcpChannel().voidPromise());
            }
        }
    }

    private RtspResponse keepalive(RtspRequest req) {
        if (session != null) {
            session.touch();
        }
        return ok();
    }

    private RtspResponse teardown() {
        closeSession("teardown");
        RtspResponse r = ok();
        return r;
    }

    private void closeSession(String why) {
        RtspSession s = session;
        if (s == null) {
            return;
        }
        session = null;
        server.releaseSession();
        if (s.registration != null) {
            s.registration.close();
        }
        server.udp().removeSession(s);
        if (s.readerQueue != null) {
            if (s.readStream != null) {
                s.readStream.removeReader(s.readerQueue);
            }
            s.readerQueue.close();
        }
        if (s.streamEndHook != null) {
            try {
                s.streamEndHook.close();
            } catch (Exception e) {
                LOG.debug("stream end hook", e);
            }
        }
        if (s.publisher != null) {
            s.publisher.close();
            LOG.info("[rtsp session {}] publisher of '{}' gone ({})", s.id, s.pathName, why);
        } else if (s.playing) {
            LOG.info("[rtsp session {}] reader of '{}' gone ({}), dropped {} packets", s.id, s.pathName, why,
                    s.readerQueue.dropped());
        }
    }

    // ---- helpers ----

    private RtspSession requireSession(RtspSession.Mode mode) throws Refusal {
        if (session == null) {
            throw new Refusal(status(454, "Session Not Found", "no session on this connection"));
        }
        if (session.mode != mode) {
            throw new Refusal(status(455, "Method Not Valid in This State",
                    "session is a " + session.mode.name().toLowerCase() + " session"));
        }
        return session;
    }

    /**
     * Checks the path-name rule (on the percent-decoded URL path, so "%20" is a space; query and trackID
     * suffix already stripped) and that an entry allows the name.
     */
    private void requirePathConf(String pathName) throws Refusal {
        try {
            PathManager.checkName(pathName);
        } catch (PathException e) {
            throw new Refusal(pathError(e));
        }
        if (server.paths().confFor(pathName) == null) {
            throw new Refusal(status(404, "Not Found", "path '" + pathName + "' is not configured"));
        }
    }

    private Path readable(String pathName) throws Refusal {
        try {
            return server.paths().readable(pathName);
        } catch (PathException e) {
            throw new Refusal(pathError(e));
        }
    }

    /** The response for a refusal of the path layer; limits and bad names are counted. */
    private RtspResponse pathError(PathException e) {
        refusalCounted = server.paths().countRefusal(protocol(), remote, e);
        return switch (e.reason()) {
            case NOT_CONFIGURED, NO_STREAM -> status(404, "Not Found", e.getMessage());
            case BUSY -> status(403, "Forbidden", e.getMessage());
            case BAD_NAME -> status(400, "Bad Request", e.getMessage());
            case MAX_PATHS, MAX_READERS -> status(503, "Service Unavailable", e.getMessage());
        };
    }

    /**
     * Checks the request's credentials with the server's authorizer; returns the user it authenticated
     * as ("" when none was needed) or refuses with 401 and the challenges. Digest is checked against
     * the plain passwords of the accounts that could allow it; when one of them keeps only a hash, the
     * 401 offers Basic alone, because clients answer Digest whenever it is offered.
     */
    private String authorize(RtspRequest req, AuthAction action, String pathName) throws Refusal {
        Authorizer auth = server.auth();
        InetAddress ip = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (auth.allows(action, pathName, "", "", ip)) {
            return "";
        }
        RtspAuth.Presented p = RtspAuth.presented(req);
        if (p != null) {
            boolean ok = p.digest()
                    ? auth.allowsProof(action, pathName, p.user(),
                            pass -> RtspAuth.verify(req, p.user(), pass, nonce), ip)
                    : auth.allows(action, pathName, p.user(), p.pass(), ip);
            if (ok) {
                return p.user();
            }
            LOG.warn("[rtsp conn {}] wrong credentials (user '{}', {}) to {} '{}'", remote, p.user(),
                    p.digest() ? "Digest" : "Basic", action.yaml(), pathName);
        } else if (req.headers().get(RtspHeaders.AUTHORIZATION) != null) {
            LOG.warn("[rtsp conn {}] unreadable Authorization header to {} '{}'", remote, action.yaml(), pathName);
        }
        RtspHeaders h = new RtspHeaders();
        for (String c : RtspAuth.challenges(REALM, nonce, !auth.needsPlainPassword(action, pathName, ip))) {
            h.add("WWW-Authenticate", c);
        }
        throw new Refusal(new RtspResponse(401, "Unauthorized", h, new byte[0]));
    }

    /** Ends the connection and so its session; any thread, returns at once. */
    private void kick() {
        LOG.info("[rtsp conn {}] kicked", remote);
        ctx.channel().close();
    }

    private static String pathOf(String uri) throws Refusal {
        try {
            String p = RtspUrl.parse(uri).path();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new Refusal(status(400, "Bad Request", "invalid URL: " + e.getMessage()));
        }
    }

    /** The path of a reader's SETUP URL: the URL minus a trailing "trackID=N" control. */
    private static String readerPathOf(String uri) throws Refusal {
        String p = pathOf(uri);
        int slash = p.lastIndexOf('/');
        if (slash >= 0 && p.substring(slash + 1).startsWith("trackID=")) {
            return p.substring(0, slash);
        }
        return p;
    }

    private static int readerMediaOf(String uri, StreamDesc desc) throws Refusal {
        String p = pathOf(uri);
        int i = p.lastIndexOf("trackID=");
        if (i < 0) {
            return desc.medias().size() == 1 ? 0 : -1;
        }
        try {
            return Integer.parseInt(p.substring(i + "trackID=".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String localHost() {
        return ((InetSocketAddress) ctx.channel().localAddress()).getAddress().getHostAddress();
    }

    private static String baseUrl(String uri) {
        String u;
        try {
            u = RtspUrl.parse(uri).withoutCredentials();
        } catch (IllegalArgumentException e) {
            u = uri;
        }
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        return u.endsWith("/") ? u : u + "/";
    }

    private static String describeMedias(StreamDesc desc) {
        List<String> parts = new ArrayList<>();
        for (MediaDesc m : desc.medias()) {
            parts.add(m.format().codec() + "/" + m.format().encodingName());
        }
        return String.join(", ", parts);
    }

    private static String newSessionId() {
        return HexFormat.of().formatHex(randomBytes(8));
    }

    private static RtspResponse ok(String... headerPairs) {
        RtspHeaders h = new RtspHeaders();
        for (int i = 0; i + 1 < headerPairs.length; i += 2) {
            h.set(headerPairs[i], headerPairs[i + 1]);
        }
        return new RtspResponse(200, "OK", h, new byte[0]);
    }

    private static RtspResponse status(int code, String reason, String why) {
        RtspHeaders h = new RtspHeaders();
        h.set("Content-Type", "text/plain");
        return new RtspResponse(code, reason, h, (why + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Refusal ends a request early with an error response. */
    private static final class Refusal extends Exception {
        final RtspResponse response;

        Refusal(RtspResponse response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    /** Interleaved delivery to a TCP reader. */
    private final class TcpSink implements ReaderQueue.Sink {
        private final int[] channelOf;

        TcpSink(RtspSession s) {
            channelOf = new int[s.transports.length];
            for (int i = 0; i < channelOf.length; i++) {
                channelOf[i] = s.transports[i] == null ? -1 : s.transports[i].rtpChannel();
            }
        }

        @Override
        public boolean isWritable() {
            return ctx.channel().isWritable();
        }

        @Override
        public void write(Unit unit) {
            int ch = channelOf[unit.media()];
            if (ch < 0) {
                return;
            }
            reports.sent(unit);
            ctx.write(new InterleavedFrame(ch, unit.rtp().retainedDuplicate()), ctx.voidPromise());
        }

        @Override
        public void flush() {
            ctx.flush();
        }
    }

    /** UDP delivery to a reader, through the server's RTP socket. */
    private final class UdpSink implements ReaderQueue.Sink {
        private final InetSocketAddress[] to;
        private final io.netty.channel.Channel channel = server.udp().rtpChannel();

        UdpSink(RtspSession s) {
            to = new InetSocketAddress[s.transports.length];
            for (int i = 0; i < to.length; i++) {
                to[i] = s.transports[i] == null ? null : s.transports[i].udpRtp();
            }
        }

        @Override
        public boolean isWritable() {
            return channel.isWritable();
        }

        @Override
        public boolean pushesBack() {
            return false; // one shared UDP socket: it stays writable while a reader's receive buffer overflows
        }

        @Override
        public void write(Unit unit) {
            InetSocketAddress dst = to[unit.media()];
            if (dst == null) {
                return;
            }
            reports.sent(unit);
            channel.write(new DatagramPacket(unit.rtp().retainedDuplicate(), dst), channel.voidPromise());
        }

        @Override
        public void flush() {
            channel.flush();
        }
    }
}
