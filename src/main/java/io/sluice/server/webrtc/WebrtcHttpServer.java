package io.sluice.server.webrtc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.conf.Addresses;
import io.sluice.net.NetLoops;
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
    /** An SDP offer with many candidates is a few KiB; this leaves room without inviting abuse. */
    static final int MAX_BODY = 64 << 10;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final String address;
    private final NetLoops loops;
    private final WebrtcHttpRouter router;
    private final Duration idleTimeout;
    private final ExecutorService calls = SluiceThreads.perTaskVirtual("webrtc-http");
    private final ChannelGroup conns = new DefaultChannelGroup("webrtc-http", GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel listener;

    /** @param address listen address, e.g. ":8889" or "127.0.0.1:0" */
    WebrtcHttpServer(String address, NetLoops loops, WebrtcSessions sessions) {
        this(address, loops, sessions, IDLE_TIMEOUT);
    }

    /** With another idle timeout, for tests. */
    WebrtcHttpServer(String address, NetLoops loops, WebrtcSessions sessions, Duration idleTimeout) {
        this.address = address;
        this.loops = loops;
        this.router = new WebrtcHttpRouter(sessions);
        this.idleTimeout = idleTimeout;
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
                            conns.add(ch);
                            ch.pipeline().addLast(
                                    new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS),
                                    new HttpServerCodec(),
                                    new WebrtcHttpHandler.BodyLimit(MAX_BODY),
                                    new WebrtcHttpHandler(router, calls));
                        }
                    }).bind(addr).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the bind failure (a checked BindException) undeclared
            throw new IOException("WebRTC HTTP: cannot listen on " + address + ": " + e.getMessage(), e);
        }
        LOG.info("WebRTC HTTP listener (WHIP/WHEP) on {}", listener.localAddress());
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
