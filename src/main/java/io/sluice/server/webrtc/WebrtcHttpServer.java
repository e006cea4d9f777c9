package io.sluice.server.webrtc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.conf.Addresses;
import io.sluice.conf.LimitsConf;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.ServerTls;
import io.sluice.net.http.HttpListener;
import io.sluice.threads.SluiceThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcHttpServer is the HTTP side of WebRTC: WHIP publish and WHEP read endpoints (RFC 9725) and
 * the two browser pages, over HTTP/1.1 on one address.
 *
 * <p>Threads: connections live on the shared event loops; every call into {@link WebrtcSessions}
 * runs on a virtual thread this server owns, because those calls block while ICE gathers, and the
 * reply is written back on the connection's loop.
 */
public final class WebrtcHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcHttpServer.class);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final String address;
    private final NetLoops loops;
    private final WebrtcHttpRouter router;
    private final Duration idleTimeout;
    /** Replaced by a closing one in {@link #useTls}: a plain-text 503 means nothing to a TLS client. */
    private ConnectionLimiter limiter;
    private final ExecutorService calls = SluiceThreads.perTaskVirtual("webrtc-http");
    private final ChannelGroup conns = new DefaultChannelGroup("webrtc-http", GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel listener;
    /** Null for plain HTTP. */
    private SslContext tls;
    private Duration handshakeTimeout;

    /** @param address listen address, e.g. ":8889" or "127.0.0.1:0" */
    WebrtcHttpServer(String address, NetLoops loops, WebrtcSessions sessions) {
        this(address, loops, sessions, IDLE_TIMEOUT);
    }

    /** With another idle timeout and the default limits counted on their own, for tests. */
    WebrtcHttpServer(String address, NetLoops loops, WebrtcSessions sessions, Duration idleTimeout) {
        this(address, loops, sessions, idleTimeout, HttpListener.limiter("webrtc", () -> LimitsConf.DEFAULT,
                new Refusals()));
    }

    /** @param limiter the listener's connection limits, request deadline and size limits */
    WebrtcHttpServer(String address, NetLoops loops, WebrtcSessions sessions, Duration idleTimeout,
            ConnectionLimiter limiter) {
        this.limiter = limiter;
        this.address = address;
        this.loops = loops;
        this.router = new WebrtcHttpRouter(sessions);
        this.idleTimeout = idleTimeout;
    }

    /**
     * Serves HTTPS instead of HTTP (webrtcEncryption: yes); browsers allow WHIP capture pages only from
     * https origins other than localhost. Call before {@link #start()}.
     */
    void useTls(SslContext context, Duration handshakeTimeout) {
        if (listener != null) {
            throw new IllegalStateException("WebRTC HTTP server on " + address + " already started");
        }
        this.tls = java.util.Objects.requireNonNull(context, "context");
        this.limiter = limiter.withRefusal(ConnectionLimiter.Refusal.CLOSE);
        this.handshakeTimeout = java.util.Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    }

    /**
     * Binds the listener.
     *
     * @throws IOException naming the address when it is taken or cannot be bound
     * @throws IllegalArgumentException when the address is not of the form [host]:port
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    public void start() throws IOException, InterruptedException {
        if (closed.get() || listener != null) {
            throw new IllegalStateException("WebRTC HTTP server on " + address + " already started or closed");
        }
        InetSocketAddress addr = Addresses.parse(address);
        try {
            listener = new ServerBootstrap().group(loops.group()).channel(loops.serverChannel())
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            limiter.install(ch);
                            conns.add(ch);
                            if (tls != null) {
                                ch.pipeline().addLast(ServerTls.handler(tls, ch, handshakeTimeout));
                            }
                            LimitsConf l = limiter.limits();
                            ch.pipeline().addLast(
                                    new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS),
                                    HttpListener.codec(l),
                                    new WebrtcHttpHandler.BodyLimit(limiter, l.maxBodyBytes()),
                                    new WebrtcHttpHandler(router, calls, limiter));
                        }
                    }).bind(addr).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the bind failure (a checked BindException) undeclared
            throw new IOException("WebRTC HTTP: cannot listen on " + address + ": " + e.getMessage(), e);
        }
        LOG.info("WebRTC {} listener (WHIP/WHEP) on {}", tls != null ? "HTTPS" : "HTTP", listener.localAddress());
    }

    /** The bound port, or -1 before {@link #start()} (useful when configured as port 0). */
    public int port() {
        return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Closes the listener and every connection, interrupts the session calls in flight and returns
     * when their threads have ended. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
        conns.close().awaitUninterruptibly();
        calls.shutdownNow();
        calls.close();
    }
}
