package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;

/**
 * TsMuxer writes one program of elementary streams as an MPEG transport stream (ISO/IEC 13818-1),
 * one PES per access unit, the moment it is given: nothing is buffered or reordered, which is what
 * keeps the latency of a live stream at the network's.
 *
 * <p>What a receiver joining anywhere needs comes with the data: PAT and PMT first, again before every
 * random access point of a video stream and at least every {@link #TABLES_INTERVAL}; the PCR in the
 * first packet of every PES of the PCR stream, and in a packet of its own when the PCR stream has been
 * quiet for {@link #PCR_INTERVAL} while others were not. Intervals are measured on the data's DTS: the
 * muxer runs only when units come, so a PCR stream alone below 10 frames/s has one PCR per frame.
 *
 * <p>The PCR follows the DTS of the data: it is the smallest of the streams' latest DTS (ignoring
 * streams more than {@link #STALE_AFTER} behind the newest, so a paused audio track does not stop the
 * clock) and never goes back. As long as each stream's DTS do not decrease and a stream that starts
 * late starts at or after {@link #pcr()}, no unit reaches a receiver after its decoding time. There is
 * no margin between the two: the receiver's own buffer is the only delay.
 *
 * <p>Not thread-safe: one instance per output, used on one thread.
 */
final class TsMuxer {
    /** 100 ms in 90 kHz ticks: the longest gap between PCRs (§2.7.2 wants 100 ms at most). */
    static final long PCR_INTERVAL = 9_000;
    /** 500 ms: the longest gap between PATs and PMTs. */
    static final long TABLES_INTERVAL = 45_000;
    /** 1 s: a stream whose latest DTS is further behind the newest does not hold the PCR back. */
    static final long STALE_AFTER = 90_000;
    static final int PMT_PID = 0x1000;
    static final int PROGRAM_NUMBER = 1;
    static final int TRANSPORT_STREAM_ID = 1;
    private static final long NONE = Long.MIN_VALUE;

    private final List<TsOutStream> streams;
    private final int pcrPid;
    private final byte[] pat;
    private final byte[] pmt;
    private final TsPacketWriter packets = new TsPacketWriter();
    /** Latest (largest) DTS written per stream, or NONE. */
    private final long[] latestDts;
    private long newestDts = NONE;
    private long pcr;
    private long pcrSentAt = NONE;
    private long tablesSentAt = NONE;

    /**
     * @param streams the elementary streams, each on its own PID
     * @param pcrStream index in {@code streams} of the one whose PID carries the PCR
     * @throws IllegalArgumentException when there are no streams, two share a PID or the PMT would not
     *     fit in one packet
     */
    TsMuxer(List<TsOutStream> streams, int pcrStream) {
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("a program needs at least one elementary stream");
        }
        if (streams.stream().map(TsOutStream::pid).distinct().count() != streams.size()
                || streams.stream().anyMatch(s -> s.pid() == PMT_PID)) {
            throw new IllegalArgumentException("elementary streams must have distinct PIDs other than the PMT's: " + streams);
        }
        this.streams = List.copyOf(streams);
        this.pcrPid = streams.get(pcrStream).pid();
        this.pat = TsPsi.pat(TRANSPORT_STREAM_ID, PROGRAM_NUMBER, PMT_PID);
        this.pmt = TsPsi.pmt(PROGRAM_NUMBER, pcrPid, this.streams);
        this.latestDts = new long[streams.size()];
        Arrays.fill(latestDts, NONE);
    }

    /** The last PCR written (90 kHz), or 0 before the first. */
    long pcr() {
        return pcr;
    }

    /**
     * Writes one access unit of stream {@code stream} as a PES, preceded by PAT and PMT and a PCR-only
     * packet when they are due.
     *
     * @param pts presentation time in 90 kHz, not negative
     * @param dts decoding time in 90 kHz, not negative, at most {@code pts}
     * @param randomAccess whether a decoder can start at this unit
     * @param payload the PES payload (the framed access unit); its indexes do not move
     * @throws TsMuxException when the PES cannot be written (an audio PES too long); nothing was written
     */
    void writePes(int stream, long pts, long dts, boolean randomAccess, ByteBuf payload, ByteBuf out) {
        TsOutStream es = streams.get(stream);
        byte[] header = TsPesHeader.build(es, pts, dts, payload.readableBytes());
        latestDts[stream] = Math.max(latestDts[stream], dts);
        newestDts = Math.max(newestDts, dts);
        if (tablesSentAt == NONE || (es.video() && randomAccess) || newestDts - tablesSentAt >= TABLES_INTERVAL) {
            packets.writeSection(TsPsi.PAT_PID, pat, out);
            packets.writeSection(PMT_PID, pmt, out);
            tablesSentAt = newestDts;
        }
        advancePcr();
        long pcrHere = TsPacketWriter.NO_PCR;
        if (es.pid() == pcrPid) {
            pcrHere = pcr;
            pcrSentAt = newestDts;
        } else if (pcrSentAt == NONE || newestDts - pcrSentAt >= PCR_INTERVAL) {
            packets.writePcrOnly(pcrPid, pcr, out);
            pcrSentAt = newestDts;
        }
        packets.writePes(es.pid(), header, payload, randomAccess, pcrHere, out);
    }

    private void advancePcr() {
        long min = Long.MAX_VALUE;
        for (long d : latestDts) {
            if (d != NONE && d >= newestDts - STALE_AFTER) {
                min = Math.min(min, d);
            }
        }
        if (min != Long.MAX_VALUE) { // the stream with the newest DTS always counts; kept as a guard
            pcr = Math.max(pcr, min);
        }
    }
}
