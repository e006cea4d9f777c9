package io.sluice.net.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.protocol.rtp.SenderReports;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.SenderClock;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.Unit;
import java.util.concurrent.TimeUnit;

/**
 * RtspStreamWriter is the one stream→RTSP writer: it passes a stream's RTP packets through unchanged
 * to one RTSP peer, a local reader after PLAY ({@code RtspConn}) or a forward target after RECORD
 * ({@code RtspDest}), and sends the RTCP sender reports (RFC 3550 §6.4.1) that go with them, so both
 * carry the publisher's timing the same way. How the packets travel is its {@link RtspMediaOut}.
 *
 * <p>A {@link ReaderQueue.Sink}: packets are written without flushing and flushed once per batch.
 * Every method runs on the event loop of its sockets, the reader queue's loop; {@link #startReports}
 * puts the report timer there too, so reports read the counters {@link #write} updates without locks.
 * {@link #startReports} and {@link #close} are called by the owner, from one thread.
 */
public final class RtspStreamWriter implements ReaderQueue.Sink, AutoCloseable {
    /** Period of the sender reports; the first goes out one second after {@link #startReports}. */
    public static final int SENDER_REPORT_SECONDS = 5;

    private final RtspMediaOut out;
    private final SenderReports reports;
    private final int medias;
    private ScheduledFuture<?> reportTimer;

    /** @param clock the publisher's RTP↔NTP mapping (the stream's), carried into the sender reports */
    public RtspStreamWriter(RtspMediaOut out, StreamDesc desc, SenderClock clock) {
        this.out = out;
        this.medias = desc.medias().size();
        int[] rates = new int[medias];
        for (int i = 0; i < medias; i++) {
            rates[i] = desc.medias().get(i).format().clockRate();
        }
        this.reports = new SenderReports(rates, clock);
    }

    @Override
    public boolean isWritable() {
        return out.isWritable();
    }

    @Override
    public boolean pushesBack() {
        return out.pushesBack();
    }

    @Override
    public void write(Unit unit) {
        int m = unit.media();
        if (!out.carries(m)) {
            return;
        }
        reports.sent(unit);
        out.rtp(m, unit.rtp().retainedDuplicate());
    }

    @Override
    public void flush() {
        out.flush();
    }

    /** Starts the sender reports on {@code loop}, which must be the loop this writer's sockets live on. */
    public void startReports(EventExecutor loop) {
        reportTimer = loop.scheduleAtFixedRate(this::sendReports, 1, SENDER_REPORT_SECONDS, TimeUnit.SECONDS);
    }

    /** One sender report per media that has sent something. Loop thread only. */
    void sendReports() {
        for (int m = 0; m < medias; m++) {
            if (!out.carries(m)) {
                continue;
            }
            ByteBuf sr = reports.report(m, out.allocChannel().alloc());
            if (sr != null) {
                out.rtcp(m, sr);
            }
        }
    }

    /** Stops the sender reports; the sockets belong to the caller. Idempotent. */
    @Override
    public void close() {
        ScheduledFuture<?> t = reportTimer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
