package io.sluice.net.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * RtspUdpOut sends a session's RTP and RTCP as datagrams to the peer's ports. A batch is flushed once
 * per socket that was written to, whether the medias share one socket (a server) or have one each (a target).
 */
final class RtspUdpOut implements RtspMediaOut {
    private final Channel[] rtp;
    private final Channel[] rtcp;
    private final InetSocketAddress[] rtpTo;
    private final InetSocketAddress[] rtcpTo;
    /** The distinct RTP sockets, and for each media the index of its own among them. */
    private final Channel[] sockets;
    private final int[] socketOf;
    private final boolean[] dirty;

    RtspUdpOut(Channel[] rtp, Channel[] rtcp, InetSocketAddress[] rtpTo, InetSocketAddress[] rtcpTo) {
        this.rtp = rtp.clone();
        this.rtcp = rtcp.clone();
        this.rtpTo = rtpTo.clone();
        this.rtcpTo = rtcpTo.clone();
        List<Channel> distinct = new ArrayList<>();
        socketOf = new int[rtp.length];
        for (int m = 0; m < rtp.length; m++) {
            socketOf[m] = -1;
            if (rtpTo[m] == null) {
                continue;
            }
            if (!distinct.contains(rtp[m])) {
                distinct.add(rtp[m]);
            }
            socketOf[m] = distinct.indexOf(rtp[m]);
        }
        sockets = distinct.toArray(Channel[]::new);
        dirty = new boolean[sockets.length];
    }

    @Override
    public boolean carries(int media) {
        return rtpTo[media] != null;
    }

    @Override
    public boolean isWritable() {
        for (Channel c : sockets) {
            if (!c.isWritable()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean pushesBack() {
        return false; // the kernel drops when the peer's buffer overflows; queueing would not help it
    }

    @Override
    public void rtp(int media, ByteBuf packet) {
        Channel c = rtp[media];
        c.write(new DatagramPacket(packet, rtpTo[media]), c.voidPromise());
        dirty[socketOf[media]] = true;
    }

    @Override
    public void rtcp(int media, ByteBuf packet) {
        Channel c = rtcp[media];
        c.writeAndFlush(new DatagramPacket(packet, rtcpTo[media]), c.voidPromise());
    }

    @Override
    public void flush() {
        for (int i = 0; i < sockets.length; i++) {
            if (dirty[i]) {
                dirty[i] = false;
                sockets[i].flush();
            }
        }
    }

    @Override
    public Channel allocChannel() {
        return sockets.length > 0 ? sockets[0] : rtp[0];
    }
}
