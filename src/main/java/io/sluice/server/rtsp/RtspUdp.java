package io.sluice.server.rtsp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.net.NetLoops;
import io.sluice.protocol.rtp.PublisherSenderReports;
import io.sluice.protocol.rtp.RtpPacketException;
import io.sluice.stream.Stream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspUdp is the RTSP server's pair of UDP sockets (RTP and RTCP, RFC 2326 §12.39 server_port):
 * it routes packets from UDP publishers to their streams and sends packets to UDP readers.
 *
 * <p>Both sockets live on one event loop; a UDP publisher's stream is written on that loop, so its
 * forwarders register their sockets there too.
 */
final class RtspUdp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtspUdp.class);
    /** Receive buffer: a burst of a few hundred 1400-byte packets must not overflow it. */
    static final int RCVBUF = 4 << 20;

    /** Where packets from one publisher address go. */
    record Route(Stream stream, int media, RtspSession session) {
    }

    private final NetLoops loops;
    private final InetSocketAddress rtpAddress;
    private final InetSocketAddress rtcpAddress;
    private final Map<InetSocketAddress, Route> rtpRoutes = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, RtspSession> rtcpRoutes = new ConcurrentHashMap<>();
    /** Publishers' RTCP addresses → their media, for the mapping in their sender reports. */
    private final Map<InetSocketAddress, Route> publisherRtcpRoutes = new ConcurrentHashMap<>();
    private Channel rtp;
    private Channel rtcp;
    private EventLoop loop;

    RtspUdp(NetLoops loops, InetSocketAddress rtpAddress, InetSocketAddress rtcpAddress) {
        this.loops = loops;
        this.rtpAddress = rtpAddress;
        this.rtcpAddress = rtcpAddress;
    }

    void start() throws InterruptedException {
        loop = loops.next();
        rtp = bind(rtpAddress, new RtpHandler());
        rtcp = bind(rtcpAddress, new RtcpHandler());
        LOG.info("RTP listener on {}, RTCP listener on {}", rtp.localAddress(), rtcp.localAddress());
    }

    private Channel bind(InetSocketAddress address, SimpleChannelInboundHandler<DatagramPacket> handler)
            throws InterruptedException {
        return new Bootstrap().group(loop).channel(loops.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, RCVBUF)
                .option(ChannelOption.SO_SNDBUF, RCVBUF)
                .handler(handler).bind(address).sync().channel();
    }

    EventLoop loop() {
        return loop;
    }

    Channel rtpChannel() {
        return rtp;
    }

    Channel rtcpChannel() {
        return rtcp;
    }

    int rtpPort() {
        return ((InetSocketAddress) rtp.localAddress()).getPort();
    }

    int rtcpPort() {
        return ((InetSocketAddress) rtcp.localAddress()).getPort();
    }

    void addPublisherRoute(InetSocketAddress rtpFrom, InetSocketAddress rtcpFrom, Route route) {
        rtpRoutes.put(rtpFrom, route);
        if (rtcpFrom != null) {
            rtcpRoutes.put(rtcpFrom, route.session());
            publisherRtcpRoutes.put(rtcpFrom, route);
        }
    }

    void addReaderRtcp(InetSocketAddress rtcpFrom, RtspSession session) {
        rtcpRoutes.put(rtcpFrom, session);
    }

    void removeSession(RtspSession session) {
        rtpRoutes.values().removeIf(r -> r.session() == session);
        rtcpRoutes.values().removeIf(s -> s == session);
        publisherRtcpRoutes.values().removeIf(r -> r.session() == session);
    }

    @Override
    public void close() {
        if (rtp != null) {
            rtp.close().awaitUninterruptibly();
        }
        if (rtcp != null) {
            rtcp.close().awaitUninterruptibly();
        }
    }

    private final class RtpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        /** Streams written during the current read batch; flushed at read-complete. Loop thread only. */
        private final List<Stream> touched = new ArrayList<>();

        RtpHandler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            Route r = rtpRoutes.get(msg.sender());
            ByteBuf content = msg.content();
            if (r == null || content.readableBytes() < 12) {
                content.release();
                return;
            }
            r.session().touch();
            r.stream().write(r.media(), content, System.nanoTime());
            if (!touched.contains(r.stream())) {
                touched.add(r.stream());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            for (Stream s : touched) {
                s.batchEnd();
            }
            touched.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("RTP socket: {}", cause.toString());
        }
    }

    private final class RtcpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            RtspSession s = rtcpRoutes.get(msg.sender());
            if (s != null) {
                // Any RTCP keeps the session alive; a publisher's sender reports also give its
                // RTP↔NTP mapping, which the sender reports Sluice makes for readers carry on.
                s.touch();
            }
            Route r = publisherRtcpRoutes.get(msg.sender());
            if (r != null) {
                try {
                    PublisherSenderReports.record(r.stream().senderClock(), r.media(),
                            r.stream().desc().medias().get(r.media()).format().clockRate(), msg.content());
                } catch (RtpPacketException e) {
                    LOG.debug("bad RTCP from {}: {}", msg.sender(), e.getMessage());
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("RTCP socket: {}", cause.toString());
        }
    }
}
