package io.sluice.net.http;

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
 * HttpListener is a small HTTP/1.1 server on one address: keep-alive, bodies aggregated up to a limit,
 * idle connections closed, and each request answered by a {@link HttpHandler} on a virtual thread.
 *
 * <p>Threads: connections live on the shared event loops, which must never block; the handler runs on a
 * virtual thread this listener owns (it may block, e.g. on a config change), and the reply is written back
 * on the connection's loop. One request per connection is in flight at a time, so a pipelining client gets
 * its replies in order and cannot queue unbounded work.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    /** Enough for any config body; bigger requests get 413. */
    public static final int MAX_BODY = 1 << 20;
    /** A status page polls every second; a minute of silence means the client has gone. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final String address;
    private final NetLoops loops;
    private final HttpHandler handler;
    private final int maxBody;
    private final Duration idleTimeout;
    private final ExecutorService calls;
    private final ChannelGroup conns;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel listener;

    /**
     * @param name names the threads ("sluice-NAME-http-N") and starts log lines, e.g. "api"
     * @param address listen address, e.g. ":9997" or "127.0.0.1:0"
     */
    public HttpListener(String name, String address, NetLoops loops, HttpHandler handler) {
        this(name, address, loops, handler, MAX_BODY, IDLE_TIMEOUT);
    }

    /** With another body limit and idle timeout (tests). */
    public HttpListener(String name, String address, NetLoops loops, HttpHandler handler, int maxBody,
            Duration idleTimeout) {
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody " + maxBody + " is negative");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout " + idleTimeout + " is not positive");
        }
        this.name = name;
        this.address = address;
        this.loops = loops;
        this.handler = handler;
        this.maxBody = maxBody;
        this.idleTimeout = idleTimeout;
        this.calls = SluiceThreads.perTaskVirtual(name + "-http");
        this.conns = new DefaultChannelGroup(name + "-http", GlobalEventExecutor.INSTANCE);
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
            throw new IllegalStateException(name + " HTTP listener on " + address + " already started or closed");
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
                                    new HttpConn.BodyLimit(name, maxBody),
                                    new HttpConn(name, handler, calls));
                        }
                    }).bind(addr).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the bind failure (a checked BindException) undeclared
            throw new IOException(name + " HTTP: cannot listen on " + address + ": " + e.getMessage(), e);
        }
        LOG.info("{} HTTP listener on {}", name, HttpRequest.text((InetSocketAddress) listener.localAddress()));
    }

    /** The bound port, or -1 before {@link #start()} (useful when configured as port 0). */
    public int port() {
        return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Closes the listener and every connection, interrupts the handlers in flight and returns when their
     * threads have ended. Idempotent.
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
