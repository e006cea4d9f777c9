package io.sluice.net;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * TcpListener is one bound listener of a media protocol server (RTSP, RTMP; plain or TLS): every
 * accepted connection first passes the listener's {@link ConnectionLimiter}, is tracked so that
 * {@link #close()} ends it, gets TLS first in its pipeline when the listener has a context (the
 * handshake bounded by {@code handshakeTimeout}), then the protocol's handlers. Connections have no
 * Nagle delay and the send-buffer marks of {@link #WATER_MARK}.
 *
 * <p>The HTTP listener ({@code net/http}) binds the same way but adds idle timeouts and a handler
 * thread pool of its own, so it does not use this class.
 */
public final class TcpListener implements AutoCloseable {
    /** Per-connection send buffer watermarks: above the high mark a reader queues, then drops. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);

    private final Channel listener;
    private final ChannelGroup conns;

    private TcpListener(Channel listener, ChannelGroup conns) {
        this.listener = listener;
        this.conns = conns;
    }

    /**
     * Binds a listener; fails when the address is taken.
     *
     * @param name names the connection group, e.g. "rtsps"
     * @param ssl the server context, or null for plain TCP
     * @param protocol adds the protocol's handlers to a new connection's pipeline, after TLS; runs on its loop
     */
    public static TcpListener bind(String name, NetLoops loops, InetSocketAddress address, ConnectionLimiter limiter,
            SslContext ssl, Consumer<ChannelPipeline> protocol) throws InterruptedException {
        ChannelGroup conns = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
        Channel ch = new ServerBootstrap().group(loops.group()).channel(loops.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        limiter.install(c);
                        conns.add(c);
                        if (ssl != null) {
                            c.pipeline().addLast(ServerTls.handler(ssl, c, limiter.limits().handshakeTimeout()));
                        }
                        protocol.accept(c.pipeline());
                    }
                }).bind(address).sync().channel();
        return new TcpListener(ch, conns);
    }

    public SocketAddress localAddress() {
        return listener.localAddress();
    }

    /** The bound port (useful when configured as port 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops accepting, then closes every connection it accepted, and waits for both. Idempotent. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        conns.close().awaitUninterruptibly();
    }
}
