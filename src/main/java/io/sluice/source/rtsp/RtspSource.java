package io.sluice.source.rtsp;

import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.conf.DestUrl;
import io.sluice.conf.Redact;
import io.sluice.conf.RtspTransport;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.net.FingerprintTrust;
import io.sluice.net.NetLoops;
import io.sluice.net.TcpConnector;
import io.sluice.net.rtsp.RtspClientConn;
import io.sluice.net.rtsp.RtspClientSession;
import io.sluice.path.Publisher;
import io.sluice.protocol.rtsp.RtspHeaders;
import io.sluice.protocol.rtsp.RtspResponse;
import io.sluice.protocol.sdp.SdpException;
import io.sluice.protocol.sdp.SessionDescription;
import io.sluice.source.Source;
import io.sluice.source.SourceContext;
import io.sluice.stream.StreamDesc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspSource pulls a path's stream from an RTSP camera or server (RFC 2326 §10: OPTIONS, DESCRIBE, SETUP,
 * PLAY) with the RTSP client the forward targets use, and writes the camera's RTP packets to the path as
 * they come, as the RTSP server does for a client that RECORDs ({@link RtspSourceIngest}).
 *
 * <p>RTP comes interleaved in the TCP connection, over UDP ({@link RtspSourceUdp}), or, in {@code automatic}
 * mode (mediamtx's and gortsplib's default), over UDP unless the camera refuses it at SETUP or no packet
 * arrives within {@link #UDP_FIRST_PACKET}, then over TCP. rtsps:// always uses TCP: UDP would carry the
 * media in clear. The session is kept with OPTIONS or GET_PARAMETER at half its timeout, and ends with an
 * error when nothing arrives for readTimeout.
 *
 * <p>{@link #run} is called on the runner's thread; sockets, timers and packet handling are on
 * {@link SourceContext#loop()}.
 */
public final class RtspSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(RtspSource.class);
    /** How long automatic mode waits for the first RTP packet over UDP before it tries TCP (gortsplib: 3 s). */
    static final Duration UDP_FIRST_PACKET = Duration.ofSeconds(3);
    /** Receiver report interval (RFC 3550 §6.2 suggests 5 s as the minimum). */
    static final int RECEIVER_REPORT_SECONDS = 5;
    /** RFC 2326 §12.37: a session without a timeout parameter times out after 60 s. */
    private static final int DEFAULT_SESSION_TIMEOUT_SECONDS = 60;

    /** The camera refused UDP or sent nothing over it: automatic mode tries TCP. */
    static final class UdpRefused extends IOException {
        /** Refused at the first SETUP: no session exists, the connection can go on over TCP. */
        final boolean atFirstMedia;

        UdpRefused(String m, boolean atFirstMedia) {
            super(m);
            this.atFirstMedia = atFirstMedia;
        }
    }

    private final SourceConf conf;
    private final DestUrl.Rtsp url;
    private final NetLoops loops;
    private final long timeoutMs;
    private final Duration readTimeout;
    private final String logPrefix;
    /** The session's sockets (control connection, UDP pairs); a closed one leaves the group by itself. */
    private final ChannelGroup channels = new DefaultChannelGroup("rtsp-source", ImmediateEventExecutor.INSTANCE);
    private volatile boolean closed;
    /** The session now, for close()'s TEARDOWN, and the URL it goes to. */
    private volatile RtspClientSession client;
    private volatile String teardownUrl;
    /** Held across the UDP→TCP fallback, so readers stay. Runner thread only. */
    private Publisher publisher;

    /**
     * @param conf the path's source, with an rtsp:// or rtsps:// URL
     * @param readTimeout how long to wait for each response, and for a packet once playing (conf readTimeout)
     */
    public RtspSource(String pathName, SourceConf conf, NetLoops loops, Duration readTimeout) {
        if (!(conf.url() instanceof SourceUrl.Remote r) || !(r.url() instanceof DestUrl.Rtsp rtsp)) {
            throw new IllegalArgumentException("not an rtsp:// source: " + conf.redactedUrl());
        }
        this.conf = conf;
        this.url = rtsp;
        this.loops = loops;
        this.timeoutMs = readTimeout.toMillis();
        this.readTimeout = readTimeout;
        this.logPrefix = "[source " + pathName + " " + conf.redactedUrl() + "]";
    }

    @Override
    public void run(SourceContext ctx) throws Exception {
        try {
            RtspTransport t = conf.rtspTransport();
            if (url.tls()) {
                if (t == RtspTransport.UDP) {
                    throw new IOException("rtspTransport: udp is not possible with rtsps:// (RTP goes inside the"
                            + " TLS connection); use tcp or automatic");
                }
                session(ctx, true, false);
            } else if (t == RtspTransport.AUTOMATIC) {
                try {
                    session(ctx, false, true);
                } catch (UdpRefused e) {
                    LOG.info("{} {}; switching to TCP", logPrefix, e.getMessage());
                    closeChannels();
                    session(ctx, true, false);
                }
            } else {
                session(ctx, t == RtspTransport.TCP, false);
            }
        } catch (Exception e) {
            if (closed && !(e instanceof InterruptedException)) {
                InterruptedException ie = new InterruptedException("source closed");
                ie.initCause(e);
                throw ie;
            }
            throw e;
        } finally {
            closeChannels();
            if (publisher != null) {
                publisher.close();
                publisher = null;
            }
        }
    }

    /**
     * @param probeUdp automatic mode: go to TCP when UDP is refused at SETUP, or when no RTP comes within
     *     {@link #UDP_FIRST_PACKET}
     */
    private void session(SourceContext ctx, boolean tcp, boolean probeUdp) throws Exception {
        RtspClientConn conn = new RtspClientConn();
        SslContext ssl = url.tls() ? FingerprintTrust.clientContext(conf.fingerprint()) : null;
        Channel ch = conn.connect(new TcpConnector(loops, url.host(), url.port(), timeoutMs,
                WriteBufferWaterMark.DEFAULT), ctx.loop(), ssl, this::opened, () -> closed);
        RtspClientSession cs = new RtspClientSession(conn, ch, url.user(), url.pass(), timeoutMs);
        client = cs;
        String requestUrl = "rtsp" + (url.tls() ? "s" : "") + "://" + url.authority() + url.pathAndQuery();

        // OPTIONS only tells whether GET_PARAMETER keeps the session; some cameras refuse it, which is no error
        RtspResponse options = cs.request("OPTIONS", requestUrl, new RtspHeaders(), null);
        String pub = options.status() == 200 ? options.headers().get("Public") : null;
        boolean getParameter = pub != null && pub.toUpperCase(Locale.ROOT).contains("GET_PARAMETER");

        RtspSourceMedias medias = describe(cs, requestUrl);
        RtspSourceSetup setup;
        try {
            setup = setUp(ctx, ch, cs, medias, tcp);
        } catch (UdpRefused e) {
            if (!probeUdp || !e.atFirstMedia) {
                throw e;
            }
            // No session exists yet: go on over TCP on this connection. A new one would make servers that
            // share one media between clients (GstRtspServer) answer 503 while they tear down the first.
            LOG.info("{} {}; switching to TCP", logPrefix, e.getMessage());
            tcp = true;
            probeUdp = false;
            setup = setUp(ctx, ch, cs, medias, true);
        }
        String base = medias.base();
        teardownUrl = base;

        StreamDesc desc = medias.desc();
        if (publisher != null && !publisher.stream().desc().equals(desc)) {
            publisher.close(); // the camera describes something else over TCP: readers must start again
            publisher = null;
        }
        if (publisher == null) {
            publisher = ctx.publish(desc);
        }
        RtspSourceIngest ingest = new RtspSourceIngest(publisher.stream(), logPrefix, System.nanoTime());
        setup.route(conn, ingest);
        RtspHeaders ph = new RtspHeaders();
        ph.set("Range", "npt=0.000-");
        RtspResponse play = cs.request("PLAY", medias.playUrl(), ph, null);
        if (play.status() != 200) {
            throw new IOException("PLAY refused: " + play.status() + " " + play.reason());
        }
        LOG.info("{} reading {} over {}", logPrefix, describe(desc), tcp ? "TCP" : "UDP");
        await(ch, cs, conn, ingest, setup, base, getParameter, probeUdp);
    }

    /** SETUP of every media, over TCP or UDP. */
    private RtspSourceSetup setUp(SourceContext ctx, Channel ch, RtspClientSession cs, RtspSourceMedias medias,
            boolean tcp) throws Exception {
        int n = medias.desc().medias().size();
        RtspSourceUdp udp = tcp ? null : new RtspSourceUdp(loops, ctx.loop(),
                ((InetSocketAddress) ch.remoteAddress()).getAddress(), conf.rtspAnyPort(), n, logPrefix);
        RtspSourceSetup setup = new RtspSourceSetup(cs, tcp, udp, this::opened);
        try {
            for (int i = 0; i < n; i++) {
                setup.media(i, medias.setupUrls().get(i));
            }
        } catch (UdpRefused e) {
            udp.close();
            throw e;
        }
        return setup;
    }

    /** DESCRIBE (RFC 2326 §10.2) and the medias Sluice takes from the answer. */
    private RtspSourceMedias describe(RtspClientSession cs, String requestUrl) throws Exception {
        RtspHeaders dh = new RtspHeaders();
        dh.set("Accept", "application/sdp");
        RtspResponse d = cs.request("DESCRIBE", requestUrl, dh, null);
        if (d.status() != 200) {
            throw new IOException("DESCRIBE " + Redact.url(requestUrl) + " refused: " + d.status() + " "
                    + d.reason() + (d.status() == 401 && url.user().isEmpty() ? " (the URL has no credentials)" : ""));
        }
        String base = d.headers().get("Content-Base");
        if (base == null || base.isBlank()) {
            base = d.headers().get("Content-Location");
        }
        if (base == null || base.isBlank()) {
            base = requestUrl;
        }
        try {
            RtspSourceMedias medias = RtspSourceMedias.of(SessionDescription.parse(d.bodyText()), base.trim());
            for (String s : medias.skipped()) {
                LOG.warn("{} skipping {}", logPrefix, s);
            }
            return medias;
        } catch (SdpException e) {
            throw new IOException("DESCRIBE " + Redact.url(requestUrl) + ": " + e.getMessage(), e);
        }
    }

    /** Runs the session's timers until its connection ends; throws when it ended badly. */
    private void await(Channel ch, RtspClientSession cs, RtspClientConn conn, RtspSourceIngest ingest,
            RtspSourceSetup setup, String base, boolean getParameter, boolean probeUdp) throws Exception {
        long keepalive = Math.max(1, setup.timeoutSeconds(DEFAULT_SESSION_TIMEOUT_SECONDS) / 2);
        String method = getParameter ? "GET_PARAMETER" : "OPTIONS";
        ScheduledFuture<?> ka = ch.eventLoop().scheduleAtFixedRate(() -> cs.keepalive(method, base),
                keepalive, keepalive, TimeUnit.SECONDS);
        ScheduledFuture<?> rr = ch.eventLoop().scheduleAtFixedRate(() -> ingest.receiverReports(ch.alloc(),
                System.nanoTime(), (m, report) -> setup.sendRtcp(ch, m, report)),
                RECEIVER_REPORT_SECONDS, RECEIVER_REPORT_SECONDS, TimeUnit.SECONDS);
        // why the loop closed the channel (null: the camera closed it, or close() did)
        AtomicReference<String> ended = new AtomicReference<>();
        ScheduledFuture<?> check = ch.eventLoop().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            if (probeUdp && ingest.packets() == 0 && ingest.nanosSinceLastPacket(now) > UDP_FIRST_PACKET.toNanos()) {
                ended.set("udp");
                cs.teardown(base);
                ch.close();
            } else if (ingest.nanosSinceLastPacket(now) > readTimeout.toNanos()) {
                ended.set("timeout");
                ch.close();
            }
        }, 1, 1, TimeUnit.SECONDS);
        try {
            ch.closeFuture().await();
        } finally {
            ka.cancel(false);
            rr.cancel(false);
            check.cancel(false);
        }
        String why = ended.get();
        if (closed) {
            return;
        }
        if ("udp".equals(why)) {
            throw new UdpRefused("no RTP over UDP within " + UDP_FIRST_PACKET.toSeconds()
                    + " s (a firewall or NAT in the way?)", false);
        }
        if ("timeout".equals(why)) {
            throw new IOException("no packet from the camera for " + readTimeout.toMillis() + " ms (readTimeout)");
        }
        Throwable f = conn.failure();
        if (f != null) {
            throw new IOException("connection failed: " + f.getMessage(), f);
        }
        LOG.info("{} the camera closed the connection", logPrefix);
    }

    private static String describe(StreamDesc desc) {
        List<String> parts = new ArrayList<>();
        desc.medias().forEach(m -> parts.add(m.format().codec() + "/" + m.format().encodingName()));
        return String.join(", ", parts);
    }

    /** Every socket of the session, as soon as it exists: close() must be able to close it. */
    private void opened(Channel c) {
        channels.add(c);
        if (closed) {
            c.close();
        }
    }

    private void closeChannels() {
        channels.close(); // does not wait: close() may be called on the loop itself
    }

    @Override
    public void close() {
        closed = true;
        RtspClientSession cs = client;
        String t = teardownUrl;
        if (cs != null && t != null) {
            cs.teardown(t);
        }
        closeChannels();
    }
}
