package io.sluice.net.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.conf.Addresses;
import io.sluice.conf.LimitsConf;
import io.sluice.net.ConnectionLimiter;
import io.sluice.net.NetLoops;
import io.sluice.net.Refusals;
import io.sluice.net.ServerTls;
import io.sluice.threads.SluiceThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HttpListener is Sluice's one HTTP/1.1 server, on one address: keep-alive, bodies aggregated up to a limit,
 * idle connections closed, and each request answered by a {@link HttpHandler} on a virtual thread. The API,
 * the metrics and WebRTC (WHIP/WHEP and its pages) each run one, with their own handler, name and threads.
 *
 * <p>Threads: connections live on the shared event loops, which must never block; the handler runs on a
 * virtual thread this listener owns (it may block, e.g. on a config change), and the reply is written back
 * on the connection's loop. One request per connection is in flight at a time, so a pipelining client gets
 * its replies in order and cannot queue unbounded work.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    /** Enough for any config body; bigger requests get 413 (the configured maxBodyBytes applies too). */
    public static final int MAX_BODY = 1 << 20;
    /** A status page polls every second; a minute of silence means the client has gone. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final String address;
    private final NetLoops loops;
    private final HttpHandler handler;
    private final int maxBody;
    private Duration idleTimeout;
    /** Replaced by a closing one in {@link #useTls}: a plain-text 503 means nothing to a TLS client. */
    private ConnectionLimiter limiter;
    private final ExecutorService calls;
    private final ChannelGroup conns;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel listener;
    /** Null for plain HTTP. */
    private SslContext tls;
    private Duration handshakeTimeout;

    /**
     * @param name names the threads ("sluice-NAME-http-N") and starts log lines, e.g. "api"
     * @param address listen address, e.g. ":9997" or "127.0.0.1:0"
     */
    public HttpListener(String name, String address, NetLoops loops, HttpHandler handler) {
        this(name, address, loops, handler, MAX_BODY, IDLE_TIMEOUT);
    }

    /**
     * With the server's limits: connections per listener and per address, the request deadline, header
     * and body sizes, all read at each accept from {@code limits}, and refusals counted in {@code refusals}
     * under the protocol label {@code name}.
     */
    public HttpListener(String name, String address, NetLoops loops, HttpHandler handler,
            Supplier<LimitsConf> limits, Refusals refusals) {
        this(name, address, loops, handler, Integer.MAX_VALUE, IDLE_TIMEOUT, limiter(name, limits, refusals));
    }

    /** With another body limit and idle timeout (tests), and the default limits counted on their own. */
    public HttpListener(String name, String address, NetLoops loops, HttpHandler handler, int maxBody,
            Duration idleTimeout) {
        this(name, address, loops, handler, maxBody, idleTimeout, limiter(name, () -> LimitsConf.DEFAULT,
                new Refusals()));
    }

    /** An HTTP listener's limiter: 503 with Connection: close, and a deadline for every request. */
    static ConnectionLimiter limiter(String name, Supplier<LimitsConf> limits, Refusals refusals) {
        return new ConnectionLimiter(name, limits, refusals, ConnectionLimiter.Refusal.HTTP_503,
                ConnectionLimiter.Deadline.EACH_REQUEST);
    }

    private HttpListener(String name, String address, NetLoops loops, HttpHandler handler, int maxBody,
            Duration idleTimeout, ConnectionLimiter limiter) {
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody " + maxBody + " is negative");
        }
        this.name = name;
        this.address = address;
        this.loops = loops;
        this.handler = handler;
        this.maxBody = maxBody;
        this.idleTimeout = checkedIdle(idleTimeout);
        this.limiter = limiter;
        this.calls = SluiceThreads.perTaskVirtual(name + "-http");
        this.conns = new DefaultChannelGroup(name + "-http", GlobalEventExecutor.INSTANCE);
    }

    /**
     * Serves HTTPS instead of HTTP on the address (one port is either, as in mediamtx): TLS goes first in
     * every connection's pipeline, and a client that has not finished its handshake within
     * {@code handshakeTimeout} is closed. Call before {@link #start()}.
     */
    public HttpListener useTls(SslContext context, Duration handshakeTimeout) {
        if (listener != null) {
            throw new IllegalStateException(name + " HTTP listener on " + address + " already started");
        }
        this.tls = Objects.requireNonNull(context, "context");
        this.limiter = limiter.withRefusal(ConnectionLimiter.Refusal.CLOSE);
        this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        return this;
    }

    /**
     * Closes connections idle this long instead of {@link #IDLE_TIMEOUT} (a request in flight is not
     * idleness). Call before {@link #start()}.
     */
    public HttpListener idleTimeout(Duration timeout) {
        if (listener != null) {
            throw new IllegalStateException(name + " HTTP listener on " + address + " already started");
        }
        this.idleTimeout = checkedIdle(timeout);
        return this;
    }

    private static Duration checkedIdle(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout " + timeout + " is not positive");
        }
        return timeout;
    }

    /** Whether this listener serves HTTPS. */
    public boolean tls() {
        return tls != null;
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
                            limiter.install(ch);
                            conns.add(ch);
                            if (tls != null) {
                                ch.pipeline().addLast(ServerTls.handler(tls, ch, handshakeTimeout));
                            }
                            LimitsConf l = limiter.limits();
                            ch.pipeline().addLast(
                                    new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS),
                                    codec(l),
                                    new HttpConn.BodyLimit(limiter, Math.min(maxBody, l.maxBodyBytes())),
                                    new HttpConn(name, handler, calls, limiter));
                        }
                    }).bind(addr).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the bind failure (a checked BindException) undeclared
            throw new IOException(name + " HTTP: cannot listen on " + address + ": " + e.getMessage(), e);
        }
        LOG.info("{} {} listener on {}", name, tls != null ? "HTTPS" : "HTTP",
                HttpRequest.text((InetSocketAddress) listener.localAddress()));
    }

    /** A server codec whose request line and header section are each bounded by maxHeaderBytes (431 past it). */
    private static HttpServerCodec codec(LimitsConf l) {
        return new HttpServerCodec(l.maxHeaderBytes(), l.maxHeaderBytes(), 8192);
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
