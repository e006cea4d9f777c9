package io.sluice.source.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.path.PathException;
import io.sluice.path.Publisher;
import io.sluice.protocol.mpegts.TsPublishing;
import io.sluice.source.Source;
import io.sluice.source.SourceContext;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UdpMpegtsSource listens for MPEG-TS over UDP ({@code source: udp+mpegts://HOST:PORT}), as encoders, cameras
 * and {@code ffmpeg -f mpegts udp://...} send it, unicast or multicast: it binds HOST:PORT on the attempt's
 * event loop, joins the group when HOST is one, and demuxes every datagram into the path's stream with the
 * MPEG-TS ingest SRT publishers use ({@link TsPublishing}). An attempt ends when nothing arrives for
 * readTimeout; the runner then binds again after its backoff.
 *
 * <p>Threads: {@link #run} waits on the runner's thread; every datagram is read, demuxed and written to the
 * stream on {@link SourceContext#loop()}, with one {@code batchEnd} per read batch, so readers on that loop
 * get packets inline.
 */
public final class UdpMpegtsSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(UdpMpegtsSource.class);
    /** The largest UDP payload (IPv4): senders may pack any number of TS packets into a datagram. */
    static final int MAX_DATAGRAM = 65_507;
    /**
     * Kernel receive buffer asked for: a camera's 6 Mbit/s keyframe burst is ~200 KB, and the event loop may be
     * busy with other sockets for a few ms; the kernel caps it at net.core.rmem_max.
     */
    static final int RECEIVE_BUFFER = 4 << 20;
    static final long TIMEOUT_CHECK_MS = 250;

    private final String tag;
    private final SourceUrl.UdpMpegts url;
    private final Class<? extends DatagramChannel> channelClass;
    private final Duration readTimeout;
    private final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private final LongAdder datagrams = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder filtered = new LongAdder();
    private volatile Channel channel;

    /**
     * @param channelClass the datagram channel class of the event loops ({@code NetLoops.datagramChannel()})
     * @param readTimeout how long the socket may stay silent before the attempt ends
     */
    public UdpMpegtsSource(String pathName, SourceConf conf, Class<? extends DatagramChannel> channelClass,
            Duration readTimeout) {
        this.url = (SourceUrl.UdpMpegts) conf.url();
        this.channelClass = channelClass;
        this.readTimeout = readTimeout;
        this.tag = "[udpMpegtsSource " + pathName + " " + url.host() + ":" + url.port() + "]";
    }

    @Override
    public void run(SourceContext ctx) throws Exception {
        UdpMpegtsBind bind = UdpMpegtsBind.of(url);
        EventLoop loop = ctx.loop();
        Reader reader = new Reader(ctx, bind);
        ChannelFuture bound = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                .option(ChannelOption.SO_REUSEADDR, bind.multicast())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(reader)
                .bind(bind.local());
        channel = bound.channel();
        try {
            bound.await();
            if (!bound.isSuccess()) {
                throw new IOException("cannot listen on udp " + bind.local().getAddress().getHostAddress() + ":"
                        + url.port() + ": " + bound.cause().getMessage(), bound.cause());
            }
            if (bind.multicast()) {
                join((DatagramChannel) bound.channel(), bind);
            }
            ctx.linkStats(this::figures);
            LOG.info("{} listening on {}", tag, bind);
            ScheduledFuture<?> watch = loop.scheduleAtFixedRate(reader::checkTimeout, TIMEOUT_CHECK_MS,
                    TIMEOUT_CHECK_MS, TimeUnit.MILLISECONDS);
            try {
                Throwable cause = ended.get();
                if (cause != null) {
                    throw cause instanceof Exception e ? e : new IOException(cause);
                }
            } finally {
                watch.cancel(false);
            }
        } catch (ExecutionException e) { // ended is only ever completed normally
            throw new IOException(e.getCause());
        } finally {
            channel.close().awaitUninterruptibly();
            // on the loop, after the channel's last read: the publisher and the ingest are the loop's
            loop.submit(reader::end).awaitUninterruptibly();
        }
    }

    /** Joins the group on every interface that can; fails only when none could. */
    private void join(DatagramChannel ch, UdpMpegtsBind bind) throws IOException, InterruptedException {
        InetSocketAddress group = new InetSocketAddress(bind.group(), url.port());
        List<String> failed = new ArrayList<>();
        int joined = 0;
        for (NetworkInterface ni : bind.joinInterfaces()) {
            ChannelFuture f = ch.joinGroup(group, ni).await();
            if (f.isSuccess()) {
                joined++;
            } else {
                failed.add(ni.getName() + ": " + f.cause().getMessage());
            }
        }
        if (joined == 0) {
            throw new IOException("cannot join multicast group " + bind.group().getHostAddress() + " on any interface"
                    + (failed.isEmpty() ? " (none is up with multicast)" : ": " + String.join("; ", failed)));
        }
        if (!failed.isEmpty()) {
            LOG.debug("{} group not joined on {}", tag, failed);
        }
    }

    private Map<String, Number> figures() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("datagramsReceived", datagrams.sum());
        m.put("bytesReceived", bytes.sum());
        m.put("datagramsFromOtherSenders", filtered.sum());
        return m;
    }

    /** Ends the attempt: {@link #run} returns normally. Any thread. */
    @Override
    public void close() {
        ended.complete(null);
    }

    /** The channel's handler: everything here runs on the attempt's event loop. */
    private final class Reader extends SimpleChannelInboundHandler<DatagramPacket> {
        private final SourceContext ctx;
        private final UdpMpegtsBind bind;
        private final TsPublishing ingest;
        private Publisher publisher;
        private long lastNanos = System.nanoTime();
        private boolean stopped;

        Reader(SourceContext ctx, UdpMpegtsBind bind) {
            super(true);
            this.ctx = ctx;
            this.bind = bind;
            this.ingest = new TsPublishing(PooledByteBufAllocator.DEFAULT, this::start, (count, latest) ->
                    LOG.warn("{} malformed MPEG-TS ({} in the last second, skipped): {}", tag, count, latest));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext c, DatagramPacket p) {
            if (stopped) {
                return;
            }
            if (!bind.accepts(p.sender())) {
                filtered.increment();
                return;
            }
            long now = System.nanoTime();
            lastNanos = now;
            datagrams.increment();
            bytes.add(p.content().readableBytes());
            ingest.feed(p.content(), now);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext c) {
            ingest.batchEnd();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            finish(new IOException("udp receive on " + bind + " failed: " + cause.getMessage(), cause));
        }

        private Stream start(StreamDesc desc, String skipped) {
            try {
                publisher = ctx.publish(desc);
            } catch (PathException e) {
                finish(new IOException("path '" + ctx.pathName() + "' refused the stream: " + e.getMessage(), e));
                return null;
            }
            if (skipped != null) {
                LOG.warn("{} {}", tag, skipped);
            }
            LOG.info("{} publishing {}", tag, desc.medias().stream().map(m -> m.format().rtpmap()).toList());
            return publisher.stream();
        }

        void checkTimeout() {
            long silent = System.nanoTime() - lastNanos;
            if (!stopped && silent > readTimeout.toNanos()) {
                finish(new IOException("nothing received on udp " + bind + " for " + readTimeout.toMillis()
                        + " ms (readTimeout)"));
            }
        }

        private void finish(Throwable cause) {
            ended.complete(cause);
        }

        /** After the channel closed: ends publishing and frees the ingest. */
        void end() {
            stopped = true;
            ingest.close();
            if (publisher != null) {
                publisher.close();
                publisher = null;
            }
        }
    }
}
