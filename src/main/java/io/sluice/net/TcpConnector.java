package io.sluice.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * TcpConnector opens the TCP connection of a client session (a forward target or a pulled source over RTMP
 * or RTSP), TLS first in its pipeline when the URL asks for it, on the event loop the session was given (a
 * target's is the publisher's, so packets are written inline), with the connect bounded by the session's
 * timeout and no Nagle delay.
 *
 * <p>The close race every client session has is handled here: the channel is handed to the session as soon
 * as it exists, so a {@code close()} arriving while the connect is pending can close it, and a session already
 * closed gets no connection.
 */
public final class TcpConnector {
    private final NetLoops loops;
    private final String host;
    private final int port;
    private final long timeoutMs;
    private final WriteBufferWaterMark waterMark;

    /** @param waterMark send buffer marks: above the high one the dest's reader queue holds units */
    public TcpConnector(NetLoops loops, String host, int port, long timeoutMs, WriteBufferWaterMark waterMark) {
        this.loops = loops;
        this.host = host;
        this.port = port;
        this.timeoutMs = timeoutMs;
        this.waterMark = waterMark;
    }

    /**
     * Connects and waits for the connection.
     *
     * @param tls the client context, or null for plain TCP
     * @param opened sees the channel before the connect completes (for the dest's close())
     * @param closed whether the dest was closed: the channel is then closed and the call ends
     * @param pipeline the protocol's handlers, after TLS; new instances for this one connection
     * @throws InterruptedException when interrupted or the dest was closed meanwhile
     * @throws IOException when the connection could not be made, with host and port
     */
    public Channel connect(EventLoop loop, SslContext tls, Consumer<Channel> opened, BooleanSupplier closed,
            ChannelHandler... pipeline) throws InterruptedException, IOException {
        ChannelFuture f = new Bootstrap().group(loop).channel(loops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMs))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        if (tls != null) {
                            c.pipeline().addLast(tls.newHandler(c.alloc(), host, port));
                        }
                        c.pipeline().addLast(pipeline);
                    }
                }).connect(host, port);
        opened.accept(f.channel());
        if (closed.getAsBoolean()) {
            f.channel().close();
            throw new InterruptedException("closed");
        }
        f.await();
        if (!f.isSuccess()) {
            throw new IOException("connect " + host + ":" + port + ": " + f.cause().getMessage());
        }
        return f.channel();
    }
}
