package io.sluice.forward.rtsp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.conf.DestUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.conf.RtspTransport;
import io.sluice.forward.Dest;
import io.sluice.net.TcpConnector;
import io.sluice.forward.DestContext;
import io.sluice.forward.TrackStatus;
import io.sluice.forward.WriteStallCheck;
import io.sluice.net.FingerprintTrust;
import io.sluice.net.NetLoops;
import io.sluice.net.rtsp.RtspClientConn;
import io.sluice.net.rtsp.RtspClientSession;
import io.sluice.net.rtsp.RtpPortPair;
import io.sluice.net.rtsp.RtspMediaOut;
import io.sluice.net.rtsp.RtspStreamWriter;
import io.sluice.protocol.rtp.ReceiverReportStats;
import io.sluice.protocol.rtp.RtpPacketException;
import io.sluice.protocol.rtsp.RtspHeaders;
import io.sluice.protocol.rtsp.RtspResponse;
import io.sluice.protocol.rtsp.RtspTransportHeader;
import io.sluice.protocol.sdp.SdpStreamMapper;
import io.sluice.stream.MediaDesc;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspDest pushes a stream to a remote RTSP server (RFC 2326 §10: ANNOUNCE, SETUP with
 * mode=record, RECORD) and then passes the publisher's RTP packets through unchanged, interleaved in
 * the TCP connection or over UDP, with the same {@link RtspStreamWriter} as local RTSP readers.
 *
 * <p>Its sockets live on the publisher's event loop, so every packet is written inline by the thread
 * that read it.
 */
public final class RtspDest implements Dest {
    private static final Logger LOG = LoggerFactory.getLogger(RtspDest.class);
    static final int KEEPALIVE_SECONDS = 20;

    /** Thrown when the server refuses UDP, so that automatic mode retries with TCP. */
    static class UdpRefused extends IOException {
        UdpRefused(String m) {
            super(m);
        }
    }

    /**
     * Thrown when a UDP target sent no RTCP receiver report within the bound: it does not receive, or
     * nothing comes back (a firewall that lets only outgoing UDP through). Automatic mode goes to TCP.
     */
    static final class UdpSilent extends UdpRefused {
        UdpSilent(String m) {
            super(m);
        }
    }

    private final ForwardDest conf;
    private final DestUrl.Rtsp url;
    private final NetLoops loops;
    private final long timeoutMs;
    private final String user;
    private final String pass;
    private final List<Channel> channels = new ArrayList<>();
    private volatile boolean closed;
    /** The session with the target now, or null before the connection; close() tears it down. */
    private volatile RtspClientSession client;

    private final java.time.Duration writeTimeout;
    private final RtspUdpFallbacks fallbacks;
    /** Receiver reports of the current session (null before the first SETUP); link stats read it. */
    private volatile ReceiverReportStats receiverReports;

    /**
     * @param timeout how long to wait for a response (readTimeout)
     * @param writeTimeout how long the target may take no data before the session is dropped and
     *     restarted (a stalled target otherwise only drops packets forever)
     */
    public RtspDest(ForwardDest conf, NetLoops loops, java.time.Duration timeout, java.time.Duration writeTimeout) {
        this(conf, loops, timeout, writeTimeout, new RtspUdpFallbacks());
    }

    /** @param fallbacks the server's memory of targets that UDP failed for (automatic mode) */
    public RtspDest(ForwardDest conf, NetLoops loops, java.time.Duration timeout, java.time.Duration writeTimeout,
            RtspUdpFallbacks fallbacks) {
        this.fallbacks = fallbacks;
        this.conf = conf;
        this.url = (DestUrl.Rtsp) conf.url();
        this.loops = loops;
        this.timeoutMs = timeout.toMillis();
        this.writeTimeout = writeTimeout;
        this.user = !conf.username().isEmpty() ? conf.username() : url.user();
        this.pass = !conf.username().isEmpty() ? conf.password() : url.pass();
    }

    @Override
    public void run(DestContext ctx) throws Exception {
        RtspTransport t = conf.rtspConfig().transport();
        ctx.linkStats(this::link);
        if (t == RtspTransport.AUTOMATIC) {
            if (fallbacks.useTcp(ctx.stream(), conf)) {
                session(ctx, true); // UDP already failed for this target and this publisher
                return;
            }
            try {
                session(ctx, false);
            } catch (UdpRefused e) {
                LOG.info("[forward {}] {}; switching to TCP for as long as this publisher publishes", conf.id(),
                        e.getMessage());
                fallbacks.remember(ctx.stream(), conf);
                closeChannels();
                session(ctx, true);
            }
        } else {
            session(ctx, t == RtspTransport.TCP);
        }
    }

    private void session(DestContext ctx, boolean tcp) throws Exception {
        Stream stream = ctx.stream();
        StreamDesc desc = stream.desc();
        RtspClientConn conn = new RtspClientConn();
        Channel ch = connect(ctx, conn);
        RtspClientSession cs = new RtspClientSession(conn, ch, user, pass, timeoutMs);
        client = cs;
        String base = baseUrl();

        String sdp = SdpStreamMapper.fromStream(desc, "Sluice", localHost(ch), i -> "trackID=" + i).format();
        RtspHeaders ah = new RtspHeaders();
        ah.set("Content-Type", "application/sdp");
        cs.requestOk("ANNOUNCE", base, ah, sdp.getBytes(StandardCharsets.UTF_8));

        int n = desc.medias().size();
        int[] rates = new int[n];
        for (int i = 0; i < n; i++) {
            rates[i] = desc.medias().get(i).format().clockRate();
        }
        ReceiverReportStats rr = new ReceiverReportStats(rates, System.nanoTime());
        receiverReports = rr;
        conn.onRtcp((channel, rtcp) -> receiverReport(rr, channel / 2, rtcp));
        RtspMediaOut out = setUp(ctx, cs, ch, base, tcp, rr, n);
        cs.requestOk("RECORD", base, new RtspHeaders(), null);

        List<TrackStatus> tracks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            MediaDesc m = desc.medias().get(i);
            tracks.add(TrackStatus.forwarded(i, m.format().codec().name()));
        }
        RtspStreamWriter writer = new RtspStreamWriter(out, desc, stream.senderClock());
        ReaderQueue queue = new ReaderQueue("[forward " + conf.id() + " " + conf.redactedUrl() + "]", ctx.loop(),
                ctx.queueCapacity(), stream.keyframeMedia(), true, writer, LOG);
        conn.onWritable(queue::drain);
        ScheduledFuture<?> keepalive = ch.eventLoop().scheduleAtFixedRate(() -> cs.keepalive(base),
                KEEPALIVE_SECONDS, KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        WriteStallCheck stall = new WriteStallCheck(ch, writeTimeout);
        ScheduledFuture<?> stallCheck = ch.eventLoop().scheduleAtFixedRate(stall, 1, 1, TimeUnit.SECONDS);
        writer.startReports(ctx.loop());
        java.time.Duration rrTimeout = conf.rtspConfig().udpReceiverReportTimeout();
        // set on the event loop, read here after the connection closed
        java.util.concurrent.atomic.AtomicBoolean silent = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> rrCheck = tcp || rrTimeout.isZero() ? null : ch.eventLoop().scheduleAtFixedRate(() -> {
            if (rr.nanosSinceReport(System.nanoTime()) > rrTimeout.toNanos()) {
                silent.set(true);
                ch.close();
            }
        }, 1, 1, TimeUnit.SECONDS);
        try {
            ctx.forwarding(tracks, queue);
            stream.addReader(queue, true);
            // Block until the connection ends: the remote closed it, or close() closed it.
            ch.closeFuture().await();
        } finally {
            stream.removeReader(queue);
            queue.close();
            keepalive.cancel(false);
            writer.close();
            stallCheck.cancel(false);
            if (rrCheck != null) {
                rrCheck.cancel(false);
            }
        }
        if (!closed) {
            if (silent.get()) {
                throw new UdpSilent("no RTCP receiver report from the target over UDP for "
                        + rrTimeout.toMillis() + " ms (rtspConfig.udpReceiverReportTimeout)");
            }
            if (stall.stalled()) {
                throw new IOException(stall.message());
            }
            Throwable f = conn.failure();
            if (f != null) {
                throw new IOException("connection failed: " + f.getMessage(), f);
            }
        }
    }

    /** SETUP of every media (RFC 2326 §10.4, mode=record); returns where their packets go. */
    private RtspMediaOut setUp(DestContext ctx, RtspClientSession cs, Channel ch, String base, boolean tcp,
            ReceiverReportStats rr, int n) throws Exception {
        InetSocketAddress[] udpRtpTo = new InetSocketAddress[n];
        InetSocketAddress[] udpRtcpTo = new InetSocketAddress[n];
        Channel[] udpRtp = new Channel[n];
        Channel[] udpRtcp = new Channel[n];
        for (int i = 0; i < n; i++) {
            RtspHeaders h = new RtspHeaders();
            if (tcp) {
                h.set("Transport", "RTP/AVP/TCP;unicast;interleaved=" + (2 * i) + "-" + (2 * i + 1) + ";mode=record");
            } else {
                Channel[] pair = bindUdpPair(ctx, i, rr);
                udpRtp[i] = pair[0];
                udpRtcp[i] = pair[1];
                int p = ((InetSocketAddress) pair[0].localAddress()).getPort();
                h.set("Transport", "RTP/AVP;unicast;client_port=" + p + "-" + (p + 1) + ";mode=record");
            }
            RtspResponse r = cs.request("SETUP", base + "/trackID=" + i, h, null);
            if (!tcp && (r.status() == 461 || r.status() == 400 || r.status() == 406)) {
                throw new UdpRefused("server refused UDP (" + r.status() + " " + r.reason() + ")");
            }
            RtspClientSession.expectOk(r, "SETUP");
            cs.takeId(r);
            if (!tcp) {
                String th = r.headers().get("Transport");
                RtspTransportHeader rt = th == null ? null : RtspTransportHeader.parseAll(th).getFirst();
                if (rt == null || rt.serverPort() == null) {
                    throw new UdpRefused("server answered SETUP without server_port");
                }
                var host = ((InetSocketAddress) ch.remoteAddress()).getAddress();
                udpRtpTo[i] = new InetSocketAddress(host, rt.serverPort().rtp());
                udpRtcpTo[i] = new InetSocketAddress(host, rt.serverPort().rtcp());
            }
        }
        return tcp ? interleaved(ch, n) : RtspMediaOut.udp(udpRtp, udpRtcp, udpRtpTo, udpRtcpTo);
    }

    private Channel connect(DestContext ctx, RtspClientConn conn) throws Exception {
        SslContext ssl = url.tls() ? FingerprintTrust.clientContext(conf.rtspConfig().fingerprint()) : null;
        return conn.connect(new TcpConnector(loops, url.host(), url.port(), timeoutMs, WriteBufferWaterMark.DEFAULT),
                ctx.loop(), ssl, this::opened, () -> closed);
    }

    /** The control connection, as soon as it exists: close() must be able to close it. */
    private void opened(Channel c) {
        synchronized (channels) {
            channels.add(c);
        }
    }

    private Channel[] bindUdpPair(DestContext ctx, int media, ReceiverReportStats rr) throws Exception {
        Channel[] pair = RtpPortPair.bind(() -> udpBootstrap(ctx, media, null), () -> udpBootstrap(ctx, media, rr));
        synchronized (channels) {
            channels.add(pair[0]);
            channels.add(pair[1]);
        }
        return pair;
    }

    /** @param rr where the target's RTCP goes, or null for an RTP socket (whatever comes there is dropped) */
    private Bootstrap udpBootstrap(DestContext ctx, int media, ReceiverReportStats rr) {
        return new Bootstrap().group(ctx.loop()).channel(loops.datagramChannel())
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(io.netty.channel.ChannelHandlerContext c, DatagramPacket p) {
                        if (rr != null) {
                            receiverReport(rr, media, p.content());
                        }
                    }

                    @Override
                    public void exceptionCaught(io.netty.channel.ChannelHandlerContext c, Throwable cause) {
                        // ICMP port unreachable while the target restarts: the control connection
                        // tells whether the session is still alive.
                        LOG.debug("[forward {}] UDP: {}", conf.id(), cause.toString());
                    }
                });
    }

    /** The target's RTCP about a media (liveness and link figures). Does not release {@code rtcp}. */
    private void receiverReport(ReceiverReportStats rr, int media, ByteBuf rtcp) {
        try {
            rr.onRtcp(media, rtcp, System.nanoTime());
        } catch (RtpPacketException e) {
            LOG.debug("[forward {}] bad RTCP from the target: {}", conf.id(), e.getMessage());
        }
    }

    /** The target's figures from its receiver reports (of the current or last session). Any thread. */
    private java.util.Map<String, Number> link() {
        ReceiverReportStats rr = receiverReports;
        return rr == null ? java.util.Map.of() : rr.figures();
    }

    /** Media i goes interleaved on channels 2i (RTP) and 2i+1 (RTCP), as SETUP asked. */
    private static RtspMediaOut interleaved(Channel ch, int n) {
        int[] rtp = new int[n];
        int[] rtcp = new int[n];
        for (int i = 0; i < n; i++) {
            rtp[i] = 2 * i;
            rtcp[i] = 2 * i + 1;
        }
        return RtspMediaOut.interleaved(ch, rtp, rtcp);
    }

    private String baseUrl() {
        return "rtsp" + (url.tls() ? "s" : "") + "://" + url.authority() + url.pathAndQuery();
    }

    private static String localHost(Channel ch) {
        return ((InetSocketAddress) ch.localAddress()).getAddress().getHostAddress();
    }

    private void closeChannels() {
        List<Channel> all;
        synchronized (channels) {
            all = new ArrayList<>(channels);
            channels.clear();
        }
        for (Channel c : all) {
            c.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        RtspClientSession cs = client;
        if (cs != null) {
            cs.teardown(baseUrl());
        }
        closeChannels();
    }
}
