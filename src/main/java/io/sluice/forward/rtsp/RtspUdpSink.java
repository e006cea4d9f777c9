package io.sluice.forward.rtsp;

import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.sluice.protocol.rtp.SenderReports;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Unit;
import java.net.InetSocketAddress;

/** RtspUdpSink sends an RTSP target's packets over UDP from the forwarder's own RTP sockets. */
final class RtspUdpSink implements ReaderQueue.Sink {
    private final Channel[] rtp;
    private final InetSocketAddress[] to;
    private final SenderReports reports;
    private final boolean[] dirty;

    RtspUdpSink(Channel[] rtp, InetSocketAddress[] to, SenderReports reports) {
        this.rtp = rtp;
        this.to = to;
        this.reports = reports;
        this.dirty = new boolean[rtp.length];
    }

    @Override
    public boolean isWritable() {
        return true; // UDP never pushes back here; the kernel drops when its buffer is full
    }

    @Override
    public boolean pushesBack() {
        return false;
    }

    @Override
    public void write(Unit unit) {
        int m = unit.media();
        reports.sent(unit);
        rtp[m].write(new DatagramPacket(unit.rtp().retainedDuplicate(), to[m]), rtp[m].voidPromise());
        dirty[m] = true;
    }

    @Override
    public void flush() {
        for (int i = 0; i < rtp.length; i++) {
            if (dirty[i]) {
                dirty[i] = false;
                rtp[i].flush();
            }
        }
    }
}
