package io.sluice.server.rtmp;

import io.netty.handler.ssl.SslContext;
import io.sluice.auth.Authorizer;
import io.sluice.conf.Addresses;
import io.sluice.conf.Conf;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.ServerTls;
import io.sluice.net.TcpListener;
import io.sluice.net.TlsFileException;
import io.sluice.path.PathManager;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.rtmp.RtmpChunkEncoder;
import io.sluice.protocol.rtmp.RtmpServerHandshaker;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtmpServer accepts RTMP publishers and readers on {@code rtmpAddress}, and RTMPS on
 * {@code rtmpsAddress} when {@code rtmpEncryption} asks for it.
 */
public final class RtmpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);

    private volatile Conf conf;
    private final NetLoops loops;
    private final PathManager paths;
    private final Supplier<Authorizer> auth;
    private final Refusals refusals;
    private TcpListener plain;
    private TcpListener tls;

    /** @param auth the authorizer in force, asked on every publish and play (a reload may replace it) */
    public RtmpServer(Conf conf, NetLoops loops, PathManager paths, Supplier<Authorizer> auth, Refusals refusals) {
        this.conf = conf;
        this.refusals = refusals;
        this.loops = loops;
        this.paths = paths;
        this.auth = auth;
    }

    /** Binds the listeners; throws when an address is taken or the TLS files cannot be read. */
    public void start() throws InterruptedException, TlsFileException {
        // the files first: a bad key fails start-up before anything is bound
        SslContext ssl = conf.rtmp().tls().encryption().tls()
                ? ServerTls.context("rtmpServerKey", conf.rtmp().tls().serverKey(), "rtmpServerCert",
                        conf.rtmp().tls().serverCert())
                : null;
        if (conf.rtmp().tls().encryption().plain()) {
            plain = bind(conf.rtmp().address(), null);
            LOG.info("RTMP listener on {}", plain.localAddress());
        }
        if (ssl != null) {
            tls = bind(conf.rtmp().rtmpsAddress(), ssl);
            LOG.info("RTMPS listener on {}", tls.localAddress());
        }
    }

    private TcpListener bind(String address, SslContext ssl) throws InterruptedException {
        String name = ssl == null ? "rtmp" : "rtmps";
        // RTMP has no way to refuse before its handshake: a connection over a limit is closed.
        ConnectionLimiter limiter = new ConnectionLimiter(name, () -> conf.limits(), refusals,
                ConnectionLimiter.Refusal.CLOSE, ConnectionLimiter.Deadline.FIRST_REQUEST);
        return TcpListener.bind(name, loops, Addresses.parse(address), limiter, ssl, p -> p.addLast(
                new RtmpServerHandshaker(), new RtmpChunkEncoder(), new RtmpConn(this, ssl != null)));
    }

    /** The bound plain RTMP port, or -1 (useful when configured as port 0). */
    public int port() {
        return plain == null ? -1 : plain.port();
    }

    /** The bound RTMPS port, or -1. */
    public int tlsPort() {
        return tls == null ? -1 : tls.port();
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

    Refusals refusals() {
        return refusals;
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

    /** Closes the listeners and every connection (publishers unpublish, readers end). */
    @Override
    public void close() {
        for (TcpListener l : new TcpListener[] {plain, tls}) {
            if (l != null) {
                l.close();
            }
        }
    }
}
