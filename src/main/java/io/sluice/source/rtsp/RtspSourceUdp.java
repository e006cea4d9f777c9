package io.sluice.source.rtsp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.net.NetLoops;
import io.sluice.net.rtsp.RtpPortPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtspSourceUdp is the UDP side of an RTSP pull session: a fresh RTP/RTCP port pair per media (not the RTSP
 * server's shared pair: a session of its own needs no routing table and cannot collide with a publisher's
 * client ports), packets from anyone but the camera dropped, and receiver reports sent to the camera's RTCP
 * port.
 *
 * <p>Sockets live on the source's event loop; {@link #ingest} is set before PLAY and read there.
 */
final class RtspSourceUdp {
    private static final Logger LOG = LoggerFactory.getLogger(RtspSourceUdp.class);
    /** Receive buffer: a keyframe of a 4K camera is a burst of several hundred packets. */
    private static final int RCVBUF = 4 << 20;

    private final NetLoops loops;
    private final EventLoop loop;
    private final InetAddress camera;
    private final boolean anyPort;
    private final String logPrefix;
    private final Channel[] rtp;
    private final Channel[] rtcp;
    /** The camera's server_port pair per media, null until its SETUP answer (or when it gave none). */
    private final InetSocketAddress[] serverRtp;
    private final InetSocketAddress[] serverRtcp;
    private volatile RtspSourceIngest ingest;
    private long foreign;

    /**
     * @param camera the address the control connection goes to: RTP must come from there
     * @param anyPort {@code rtspAnyPort}: accept the camera's packets from any source port (cameras behind
     *     NAT, or that send from other ports than the server_port they announce)
     */
    RtspSourceUdp(NetLoops loops, EventLoop loop, InetAddress camera, boolean anyPort, int medias,
            String logPrefix) {
        this.loops = loops;
        this.loop = loop;
        this.camera = camera;
        this.anyPort = anyPort;
        this.logPrefix = logPrefix;
        this.rtp = new Channel[medias];
        this.rtcp = new Channel[medias];
        this.serverRtp = new InetSocketAddress[medias];
        this.serverRtcp = new InetSocketAddress[medias];
    }

    /**
     * Binds the pair of a media; returns its RTP port (RTCP is the next one).
     *
     * @param opened sees each socket, so that the source's close() can close it
     */
    int bind(int media, Consumer<Channel> opened) throws IOException, InterruptedException {
        Channel[] pair = RtpPortPair.bind(() -> bootstrap(media, true), () -> bootstrap(media, false));
        rtp[media] = pair[0];
        rtcp[media] = pair[1];
        opened.accept(pair[0]);
        opened.accept(pair[1]);
        return RtpPortPair.port(pair[0]);
    }

    /** The camera's ports from its SETUP answer ({@code server_port}); -1 when it gave none. */
    void serverPorts(int media, int rtpPort, int rtcpPort) {
        serverRtp[media] = rtpPort < 0 ? null : new InetSocketAddress(camera, rtpPort);
        serverRtcp[media] = rtcpPort < 0 ? null : new InetSocketAddress(camera, rtcpPort);
    }

    void ingest(RtspSourceIngest i) {
        ingest = i;
    }

    /** Sends a receiver report to the camera's RTCP port of a media; takes ownership of {@code rr}. */
    void sendRtcp(int media, ByteBuf rr) {
        InetSocketAddress to = serverRtcp[media];
        if (to == null || rtcp[media] == null) {
            rr.release();
            return;
        }
        rtcp[media].writeAndFlush(new DatagramPacket(rr, to));
    }

    /** Closes the sockets bound so far (the camera refused UDP). */
    void close() {
        for (int i = 0; i < rtp.length; i++) {
            if (rtp[i] != null) {
                rtp[i].close();
                rtcp[i].close();
            }
        }
    }

    /** Whether a datagram for this media comes from the camera (its server_port, unless any port will do). */
    private boolean fromCamera(InetSocketAddress sender, InetSocketAddress expected) {
        if (!sender.getAddress().equals(camera)) {
            return false;
        }
        return anyPort || expected == null || expected.getPort() == sender.getPort();
    }

    private Bootstrap bootstrap(int media, boolean isRtp) {
        return new Bootstrap().group(loop).channel(loops.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, RCVBUF)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>(false) {
                    @Override
                    protected void channelRead0(ChannelHandlerContext c, DatagramPacket p) {
                        RtspSourceIngest in = ingest;
                        ByteBuf content = p.content();
                        if (in == null || !fromCamera(p.sender(), isRtp ? serverRtp[media] : serverRtcp[media])) {
                            if (in != null && foreign++ == 0) {
                                LOG.warn("{} dropping UDP from {}, which is not the camera's {} port{}", logPrefix,
                                        p.sender(), isRtp ? "RTP" : "RTCP",
                                        " (set rtspAnyPort: yes if the camera sends from other ports)");
                            }
                            content.release();
                            return;
                        }
                        if (isRtp) {
                            in.rtp(media, content, System.nanoTime());
                        } else {
                            try {
                                in.rtcp(media, content, System.nanoTime());
                            } finally {
                                content.release();
                            }
                        }
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext c) {
                        RtspSourceIngest in = ingest;
                        if (in != null) {
                            in.batchEnd();
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                        // ICMP port unreachable while the camera restarts: the control connection and the
                        // read timeout tell whether the session is still alive.
                        LOG.debug("{} UDP: {}", logPrefix, cause.toString());
                    }
                });
    }
}
