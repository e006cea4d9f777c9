package io.sluice.forward.rtsp;

import io.netty.channel.Channel;
import io.sluice.protocol.rtp.SenderReports;
import io.sluice.protocol.rtsp.InterleavedFrame;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Unit;

/** RtspTcpSink sends an RTSP target's packets interleaved on its control connection (RFC 2326 §10.12). */
final class RtspTcpSink implements ReaderQueue.Sink {
    private final Channel ch;
    private final SenderReports reports;

    RtspTcpSink(Channel ch, SenderReports reports) {
        this.ch = ch;
        this.reports = reports;
    }

    @Override
    public boolean isWritable() {
        return ch.isWritable();
    }

    @Override
    public void write(Unit unit) {
        reports.sent(unit);
        ch.write(new InterleavedFrame(2 * unit.media(), unit.rtp().retainedDuplicate()), ch.voidPromise());
    }

    @Override
    public void flush() {
        ch.flush();
    }
}
