package io.sluice.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.sluice.threads.SluiceThreads;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NetLoops is the one set of event loops every protocol server and forwarder shares, with the
 * channel classes that fit it (native epoll where available, NIO otherwise).
 *
 * <p>Sharing matters for latency: a forwarder registers its sockets on the publisher's loop, so a
 * packet is read and written to every target on one thread, with no hand-off (see the README's
 * design section for the measurements behind this).
 */
public final class NetLoops implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetLoops.class);

    private final boolean epoll;
    private final EventLoopGroup group;

    /** @param threads number of event loop threads; 0 = one per core */
    public NetLoops(int threads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        // FastThreadLocalThread, as Netty's own factory makes: Netty's thread-locals (buffer caches) are faster on it
        ThreadFactory named = r -> SluiceThreads.adopt(new FastThreadLocalThread(r), "loop", true);
        this.group = new MultiThreadIoEventLoopGroup(n, named, io);
        LOG.debug("{} event loops ({})", n, epoll ? "epoll" : "nio");
    }

    public EventLoopGroup group() {
        return group;
    }

    /** A loop for a new connection or forwarder that has no publisher loop to share. */
    public EventLoop next() {
        return group.next();
    }

    public boolean isEpoll() {
        return epoll;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends Channel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /** Stops the loops and waits for their threads (up to 5 s). */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
