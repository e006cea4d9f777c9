package io.sluice.net.webrtc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.protocol.rtp.RtcpPacket;
import io.sluice.protocol.rtp.RtcpSenderReport;
import io.sluice.protocol.rtp.SenderReportTimes;
import io.sluice.protocol.rtp.SenderReports;
import io.sluice.protocol.webrtc.EgressTrack;
import io.sluice.protocol.webrtc.WebrtcRtpWriter;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import io.sluice.stream.Unit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * WebrtcStreamWriter is the reader-queue sink that sends a stream's RTP packets over a connected
 * {@link WebrtcTransport}, SFU style: each packet as received, with only SSRC, payload type and
 * sequence number rewritten; it owns its queue ({@link #start()} attaches it, {@link #close()} detaches). Local WHEP
 * readers and WHIP forward targets both use it, so both behave the same.
 *
 * <p>It also answers the remote's RTCP: NACKs from a per-track retransmission buffer, PLI/FIR passed
 * to the publisher as a keyframe request, receiver reports turned into RTT (against when our sender
 * reports left, {@link SenderReportTimes}) and loss figures; and it
 * sends a sender report per track every second so the remote can sync audio and video.
 *
 * <p>Threads: units are written on the given event loop (the publisher's); RTCP arrives on the
 * transport's thread and is handed to the loop, because the writers are single-threaded.
 *
 * <p>A forward target can watch and steer it without a subclass: an {@link RtcpObserver} sees the
 * remote's RTCP (for link figures) and a {@link UnitGate} may hold back units before they are written
 * (the slow-link policy); a WHEP reader sets neither.
 */
public final class WebrtcStreamWriter implements ReaderQueue.Sink, AutoCloseable {
    static final long SR_INTERVAL_MS = 1000;

    private final WebrtcTransport transport;
    private final Stream stream;
    private final EventLoop loop;
    private final ReaderQueue queue;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    /** Indexed by stream media; null for media that are not sent. */
    private final Out[] byMedia;
    private final List<Out> outs;
    private final LongAdder nacks = new LongAdder();
    private final LongAdder nackedPackets = new LongAdder();
    private final LongAdder retransmitted = new LongAdder();
    private final LongAdder plis = new LongAdder();
    private final LongAdder firs = new LongAdder();
    private volatile double rttMs = -1;
    /** When our sender reports left: their NTP times are the publisher's timeline, not this clock. */
    private final SenderReportTimes reportTimes = new SenderReportTimes();
    private volatile int fractionLost256 = -1;
    private volatile long remoteCumulativeLost;
    private volatile long lastRtcpNanos = System.nanoTime();
    private volatile RtcpObserver observer;
    private volatile UnitGate gate;
    private ScheduledFuture<?> reports;
    private volatile boolean closed;

    /** One outgoing track: its writer and what a sender report needs. Touched only on the loop. */
    private static final class Out {
        final EgressTrack track;
        final WebrtcRtpWriter writer;
        final int clockRate;
        long lastTimestamp = -1;
        long lastSentNanos;
        /** Our timestamp minus the publisher's (the writer's random offset), to map back for SRs. */
        long timestampOffset;

        Out(EgressTrack track, WebrtcRtpWriter writer) {
            this.track = track;
            this.writer = writer;
            this.clockRate = track.format().clockRate();
        }
    }

    /**
     * @param name for logs, e.g. "[forward t0 whip://host/x]"
     * @param initialSequences per stream media, the first sequence number to write (continuing an
     *     earlier session so the remote sees no jump), or absent for a random start
     */
    public WebrtcStreamWriter(String name, WebrtcTransport transport, Stream stream, EventLoop loop,
            List<EgressTrack> tracks, Map<Integer, Integer> initialSequences, int queueCapacity, Logger log) {
        this.transport = transport;
        this.stream = stream;
        this.loop = loop;
        this.byMedia = new Out[stream.desc().medias().size()];
        java.util.ArrayList<Out> all = new java.util.ArrayList<>();
        for (EgressTrack t : tracks) {
            Integer seq = initialSequences.get(t.streamMedia());
            int first = seq != null ? seq : java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 15);
            Out o = new Out(t, new WebrtcRtpWriter(t.format(), t.payloadType(), t.ssrc(), first,
                    t.nack() ? 512 : 0));
            byMedia[t.streamMedia()] = o;
            all.add(o);
        }
        this.outs = List.copyOf(all);
        this.queue = new ReaderQueue(name, loop, queueCapacity, stream.keyframeMedia(), true, this, log);
    }

    /** Sees the remote's RTCP as it arrives, on the transport's thread; must not block or keep the buffer. */
    public interface RtcpObserver {
        /** @param compound the whole compound packet (read only, released after the call) */
        void onRtcp(ByteBuf compound, List<RtcpPacket> packets);
    }

    /** Decides, on the loop and before anything is written, whether a unit goes out at all. */
    public interface UnitGate {
        /** False drops the unit: nothing is written, its sequence numbers are not used. */
        boolean pass(Unit unit);
    }

    /** Sets the RTCP observer and unit gate (null for none); call before {@link #start()}. */
    public void steer(RtcpObserver observer, UnitGate gate) {
        this.observer = observer;
        this.gate = gate;
    }

    public ReaderQueue queue() {
        return queue;
    }

    /** Attaches to the stream from its last keyframe on, and asks the publisher for a fresh one. */
    public void start() {
        lastRtcpNanos = System.nanoTime();
        stream.addReader(queue, true);
        stream.requestKeyframe();
        reports = loop.scheduleAtFixedRate(this::sendReports, SR_INTERVAL_MS, SR_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean isWritable() {
        return true; // UDP: the kernel drops what it cannot send, as a network would
    }

    @Override
    public boolean pushesBack() {
        return false;
    }

    @Override
    public void write(Unit unit) {
        Out o = byMedia[unit.media()];
        if (o == null || closed) {
            return;
        }
        UnitGate g = gate;
        if (g != null && !g.pass(unit)) {
            return;
        }
        List<ByteBuf> packets = o.writer.write(unit, alloc);
        for (ByteBuf p : packets) {
            try {
                o.lastTimestamp = p.getUnsignedInt(p.readerIndex() + 4);
                o.timestampOffset = (o.lastTimestamp - unit.timestamp()) & 0xffffffffL;
                o.lastSentNanos = System.nanoTime();
                transport.sendRtp(p);
            } finally {
                p.release();
            }
        }
    }

    @Override
    public void flush() {
        // each packet is its own datagram, sent in write()
    }

    /** The next sequence number of each stream media, for the session after this one. Loop thread. */
    public Map<Integer, Integer> nextSequences() {
        Map<Integer, Integer> m = new LinkedHashMap<>();
        for (Out o : outs) {
            m.put(o.track.streamMedia(), o.writer.nextSequence());
        }
        return m;
    }

    /** Handles a decrypted RTCP compound from the remote. Ownership moves here. Any thread. */
    public void onRtcp(ByteBuf rtcp) {
        lastRtcpNanos = System.nanoTime();
        List<RtcpPacket> packets;
        try {
            packets = RtcpPacket.parseCompound(rtcp);
        } catch (RuntimeException e) {
            rtcp.release();
            return; // malformed feedback is the remote's problem; media goes on
        }
        RtcpObserver obs = observer;
        try {
            if (obs != null) {
                obs.onRtcp(rtcp, packets);
            }
        } finally {
            rtcp.release();
        }
        for (RtcpPacket p : packets) {
            switch (p) {
                case RtcpPacket.Nack n -> {
                    nacks.increment();
                    nackedPackets.add(n.lostSequences().size());
                    loop.execute(() -> retransmit(n));
                }
                case RtcpPacket.Pli pli -> {
                    plis.increment();
                    stream.requestKeyframe();
                }
                case RtcpPacket.Fir fir -> {
                    firs.increment();
                    stream.requestKeyframe();
                }
                case RtcpPacket.ReceiverReport rr -> reportBlocks(rr.reports());
                case RtcpPacket.SenderReport sr -> reportBlocks(sr.reports());
                default -> {
                }
            }
        }
    }

    private void retransmit(RtcpPacket.Nack n) {
        if (closed) {
            return;
        }
        for (Out o : outs) {
            if (o.track.ssrc() != n.mediaSsrc()) {
                continue;
            }
            for (int seq : n.lostSequences()) {
                ByteBuf p = o.writer.retransmit(seq);
                if (p != null) {
                    try {
                        transport.sendRtp(p);
                        retransmitted.increment();
                    } finally {
                        p.release();
                    }
                }
            }
        }
    }

    private void reportBlocks(List<RtcpPacket.ReportBlock> blocks) {
        for (RtcpPacket.ReportBlock b : blocks) {
            boolean ours = false;
            for (Out o : outs) {
                ours |= o.track.ssrc() == b.ssrc();
            }
            if (!ours) {
                continue;
            }
            fractionLost256 = b.fractionLost();
            remoteCumulativeLost = b.cumulativeLost();
            long rtt = reportTimes.rttNanos(b.lsr(), b.dlsr(), System.nanoTime());
            if (rtt >= 0 && rtt < 10_000_000_000L) {
                rttMs = rtt / 1e6;
            }
        }
    }

    private static long unixNanos() {
        java.time.Instant t = java.time.Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private void sendReports() {
        if (closed) {
            return;
        }
        long nowNanos = System.nanoTime();
        long nowUnixNanos = unixNanos();
        for (Out o : outs) {
            if (o.lastTimestamp < 0) {
                continue;
            }
            // extrapolate the RTP clock from the last packet sent to now, so the SR's two clocks agree
            long rtp = (o.lastTimestamp + (nowNanos - o.lastSentNanos) * o.clockRate / 1_000_000_000L) & 0xffffffffL;
            // the publisher's mapping (if any) is in its timestamps: take our offset back out
            long ntp = SenderReports.ntpFor(stream.senderClock(), o.track.streamMedia(),
                    (rtp - o.timestampOffset) & 0xffffffffL, nowUnixNanos);
            if (ntp == SenderReports.HOLD) {
                continue;
            }
            ByteBuf sr = RtcpSenderReport.write(alloc, o.track.ssrc(), ntp, rtp, o.writer.packets(),
                    o.writer.bytes(), "sluice");
            try {
                reportTimes.sent(ntp, System.nanoTime());
                transport.sendRtcp(sr);
            } finally {
                sr.release();
            }
        }
    }

    /**
     * How long the remote has sent no RTCP. Every WebRTC stack sends receiver reports about once a
     * second while it receives, so a long silence means the remote is gone even when ICE has not
     * noticed yet (consent checks take 30 s to fail).
     */
    public long nanosSinceRemoteRtcp() {
        return System.nanoTime() - lastRtcpNanos;
    }

    /** The remote's view of this session for stats: RTT, loss, NACKs, PLIs. Any thread. */
    public Map<String, Number> figures() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("rttMs", rttMs < 0 ? -1 : Math.round(rttMs * 100) / 100.0);
        m.put("fractionLost", fractionLost256 < 0 ? -1 : Math.round(fractionLost256 / 256.0 * 1000) / 1000.0);
        m.put("packetsLost", remoteCumulativeLost);
        m.put("nacks", nacks.sum());
        m.put("nackedPackets", nackedPackets.sum());
        m.put("retransmitted", retransmitted.sum());
        m.put("plis", plis.sum());
        m.put("firs", firs.sum());
        m.put("packetsSent", transport.packetsSent());
        m.put("bytesSent", transport.bytesSent());
        return m;
    }

    /** Detaches from the stream and frees the retransmission buffers. Idempotent; any thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stream.removeReader(queue);
        queue.close();
        if (reports != null) {
            reports.cancel(false);
        }
        Runnable free = () -> outs.forEach(o -> o.writer.close());
        if (loop.inEventLoop()) {
            free.run();
        } else {
            try {
                loop.execute(free);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                free.run();
            }
        }
    }
}
