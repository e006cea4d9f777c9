package io.sluice.server.rtsp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.auth.Authorizer;
import io.sluice.conf.Addresses;
import io.sluice.conf.Conf;
import io.sluice.conf.LimitsConf;
import io.sluice.conf.RtspTransport;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.path.PathManager;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtsp.RtspDecoder;
import io.sluice.protocol.rtsp.RtspEncoder;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspServer accepts RTSP publishers (ANNOUNCE/RECORD) and readers (DESCRIBE/PLAY) over TCP and UDP
 * on the configured addresses.
 */
public final class RtspServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtspServer.class);
    /** Per-connection send buffer watermarks: above the high mark a reader queues, then drops. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);

    private volatile Conf conf;
    private final NetLoops loops;
    private final PathManager paths;
    private final Supplier<Authorizer> auth;
    private final ChannelGroup conns = new DefaultChannelGroup("rtsp", GlobalEventExecutor.INSTANCE);
    private final Refusals refusals;
    private final ConnectionLimiter limiter;
    /** RTSP sessions open now (publishers and readers), bounded by maxSessions. */
    private final AtomicInteger sessionCount = new AtomicInteger();
    private RtspUdp udp;
    private Channel listener;

    /** @param auth the authorizer in force, asked on every request (a reload may replace it) */
    public RtspServer(Conf conf, NetLoops loops, PathManager paths, Supplier<Authorizer> auth, Refusals refusals) {
        this.conf = conf;
        this.refusals = refusals;
        this.limiter = new ConnectionLimiter("rtsp", () -> this.conf.limits(), refusals,
                ConnectionLimiter.Refusal.RTSP_503, ConnectionLimiter.Deadline.FIRST_REQUEST);
        this.loops = loops;
        this.paths = paths;
        this.auth = auth;
    }

    /** Binds the TCP listener and the UDP pair; throws when an address is taken. */
    public void start() throws InterruptedException {
        udp = new RtspUdp(loops, Addresses.parse(conf.rtpAddress()), Addresses.parse(conf.rtcpAddress()));
        if (udpAllowed()) {
            udp.start();
        }
        InetSocketAddress addr = Addresses.parse(conf.rtspAddress());
        listener = new ServerBootstrap().group(loops.group()).channel(loops.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        limiter.install(ch);
                        conns.add(ch);
                        LimitsConf l = conf.limits();
                        ch.pipeline().addLast(new RtspDecoder(RtspDecoder.MAX_INTERLEAVED_BYTES, l.maxHeaderBytes(),
                                l.maxBodyBytes()), new RtspEncoder(), new RtspConn(RtspServer.this));
                    }
                }).bind(addr).sync().channel();
        LOG.info("RTSP listener on {}", listener.localAddress());
    }

    /** The bound TCP port (useful when configured as port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Takes settings that apply without rebinding (timeouts, queue sizes, accepted transports): the next
     * sessions and checks use them. Listen addresses and TLS files need a new server.
     */
    public void update(Conf next) {
        conf = next;
    }

    Conf conf() {
        return conf;
    }

    ConnectionLimiter limiter() {
        return limiter;
    }

    /**
     * Takes one session slot, or counts a MAX_SESSIONS refusal and returns false when the server already
     * holds maxSessions RTSP sessions. Every true must be matched by one {@link #releaseSession()}.
     */
    boolean acquireSession(String remote) {
        int max = conf.limits().maxSessions();
        int n = sessionCount.incrementAndGet();
        if (max > 0 && n > max) {
            sessionCount.decrementAndGet();
            refusals.refuse("rtsp", Refusals.Cause.MAX_SESSIONS, remote,
                    "server already holds " + max + " RTSP sessions (maxSessions)");
            return false;
        }
        return true;
    }

    void releaseSession() {
        sessionCount.decrementAndGet();
    }

    PathManager paths() {
        return paths;
    }

    Authorizer auth() {
        return auth.get();
    }

    SessionRegistry sessions() {
        return paths.sessions();
    }

    RtspUdp udp() {
        return udp;
    }

    boolean tcpAllowed() {
        return conf.rtspTransports().contains(RtspTransport.TCP);
    }

    boolean udpAllowed() {
        return conf.rtspTransports().contains(RtspTransport.UDP);
    }

    String acceptedTransports() {
        return (tcpAllowed() ? "RTP/AVP/TCP" : "") + (tcpAllowed() && udpAllowed() ? ", " : "")
                + (udpAllowed() ? "RTP/AVP (UDP)" : "");
    }

    /** Closes the listener and every connection (sessions end, publishers unpublish). */
    @Override
    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
        conns.close().awaitUninterruptibly();
        if (udp != null) {
            udp.close();
        }
    }
}
