package io.sluice.server.rtsp;

import io.netty.handler.ssl.SslContext;
import io.sluice.auth.Authorizer;
import io.sluice.conf.Addresses;
import io.sluice.conf.Conf;
import io.sluice.conf.Encryption;
import io.sluice.conf.LimitsConf;
import io.sluice.conf.RtspTransport;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.ServerTls;
import io.sluice.net.TcpListener;
import io.sluice.net.TlsFileException;
import io.sluice.path.PathManager;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtsp.RtspDecoder;
import io.sluice.protocol.rtsp.RtspEncoder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspServer accepts RTSP publishers (ANNOUNCE/RECORD) and readers (DESCRIBE/PLAY) over TCP and UDP
 * on the configured addresses, and RTSPS (RTSP over TLS, RTP interleaved in the TLS stream) on
 * {@code rtspsAddress} when {@code rtspEncryption} asks for it. Both listeners are built by
 * {@link #bind}; a connection only knows whether it came in over TLS.
 */
public final class RtspServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtspServer.class);

    private volatile Conf conf;
    private final NetLoops loops;
    private final PathManager paths;
    private final Supplier<Authorizer> auth;
    private final Refusals refusals;
    private final ConnectionLimiter limiter;
    /** RTSPS counts its connections on its own, and closes refused ones (a plain 503 means nothing to TLS). */
    private final ConnectionLimiter tlsLimiter;
    /** RTSP sessions open now (publishers and readers), bounded by maxSessions. */
    private final AtomicInteger sessionCount = new AtomicInteger();
    private RtspUdp udp;
    private TcpListener listener;
    private TcpListener tlsListener;

    /** @param auth the authorizer in force, asked on every request (a reload may replace it) */
    public RtspServer(Conf conf, NetLoops loops, PathManager paths, Supplier<Authorizer> auth, Refusals refusals) {
        this.conf = conf;
        this.refusals = refusals;
        this.limiter = new ConnectionLimiter("rtsp", () -> this.conf.limits(), refusals,
                ConnectionLimiter.Refusal.RTSP_503, ConnectionLimiter.Deadline.FIRST_REQUEST);
        this.tlsLimiter = new ConnectionLimiter("rtsps", () -> this.conf.limits(), refusals,
                ConnectionLimiter.Refusal.CLOSE, ConnectionLimiter.Deadline.FIRST_REQUEST);
        this.loops = loops;
        this.paths = paths;
        this.auth = auth;
    }

    /**
     * Binds the listeners that rtspEncryption asks for: plain RTSP (TCP, and the UDP pair when the udp
     * transport is accepted) and/or RTSPS. Throws when an address is taken or the TLS files cannot be used.
     */
    public void start() throws InterruptedException, TlsFileException {
        Encryption enc = conf.rtsp().tls().encryption();
        // the files first: a bad key fails start-up before anything is bound
        SslContext ssl = enc.tls() ? ServerTls.context("rtsp", conf.rtsp().tls()) : null;
        // RtspConn and sessions reach the UDP pair through udp() even when it is not bound (TCP only, RTSPS only)
        udp = new RtspUdp(loops, Addresses.parse(conf.rtsp().rtpAddress()), Addresses.parse(conf.rtsp().rtcpAddress()));
        if (enc.plain()) {
            if (udpAllowed()) {
                udp.start();
            }
            listener = bind(conf.rtsp().address(), null);
            LOG.info("RTSP listener on {}", listener.localAddress());
        }
        if (ssl != null) {
            tlsListener = bind(conf.rtsp().rtspsAddress(), ssl);
            LOG.info("RTSPS listener on {} (key {}, certificate {})", tlsListener.localAddress(),
                    conf.rtsp().tls().serverKey(), conf.rtsp().tls().serverCert());
        }
    }

    /** One listener: plain when ssl is null, else TLS first in every connection's pipeline. */
    private TcpListener bind(String address, SslContext ssl) throws InterruptedException {
        return TcpListener.bind(ssl == null ? "rtsp" : "rtsps", loops, Addresses.parse(address),
                ssl == null ? limiter : tlsLimiter, ssl, p -> {
                    LimitsConf l = conf.limits();
                    p.addLast(new RtspDecoder(RtspDecoder.MAX_INTERLEAVED_BYTES, l.maxHeaderBytes(), l.maxBodyBytes()),
                            new RtspEncoder(), new RtspConn(this, ssl != null));
                });
    }

    /** The bound plain RTSP port (useful when configured as port 0), or -1 when only RTSPS runs. */
    public int port() {
        return listener == null ? -1 : listener.port();
    }

    /** The bound RTSPS port, or -1 when rtspEncryption is no. */
    public int tlsPort() {
        return tlsListener == null ? -1 : tlsListener.port();
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
        return conf.rtsp().transports().contains(RtspTransport.TCP);
    }

    boolean udpAllowed() {
        return conf.rtsp().transports().contains(RtspTransport.UDP);
    }

    String acceptedTransports() {
        return (tcpAllowed() ? "RTP/AVP/TCP" : "") + (tcpAllowed() && udpAllowed() ? ", " : "")
                + (udpAllowed() ? "RTP/AVP (UDP)" : "");
    }

    /** Closes the listener and every connection (sessions end, publishers unpublish). */
    @Override
    public void close() {
        for (TcpListener l : new TcpListener[] {listener, tlsListener}) {
            if (l != null) {
                l.close();
            }
        }
        if (udp != null) {
            udp.close();
        }
    }
}
