package io.sluice.net.rtsp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * RtpPortPair binds the two UDP sockets of one RTSP client media: RTP on an even port and RTCP on the next
 * one (RFC 3550 §11, and what servers assume from {@code client_port=p-(p+1)}), for the forward target and
 * the pull source alike.
 */
public final class RtpPortPair {
    /** Tries for a free even/odd pair; the kernel's ephemeral ports are rarely taken twice in a row. */
    private static final int ATTEMPTS = 20;

    private RtpPortPair() {
    }

    /**
     * Binds a pair on any local address.
     *
     * @param rtp makes the bootstrap of an RTP socket (group, channel class and handler set), a new one for
     *     each attempt since a handler that is not sharable joins one channel only
     * @param rtcp makes the bootstrap of an RTCP socket
     * @return the RTP channel, then the RTCP channel; the caller closes both
     * @throws IOException when no pair was free
     */
    public static Channel[] bind(Supplier<Bootstrap> rtp, Supplier<Bootstrap> rtcp) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Channel r = rtp.get().bind(new InetSocketAddress(0)).sync().channel();
            int port = ((InetSocketAddress) r.localAddress()).getPort();
            if (port % 2 == 0 && port < 65535) {
                ChannelFuture c = rtcp.get().bind(new InetSocketAddress(port + 1)).await();
                if (c.isSuccess()) {
                    return new Channel[] {r, c.channel()};
                }
            }
            r.close();
        }
        throw new IOException("no free UDP port pair for RTP/RTCP after " + ATTEMPTS + " attempts");
    }

    /** The local port of a bound socket. */
    public static int port(Channel c) {
        return ((InetSocketAddress) c.localAddress()).getPort();
    }
}
