package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;

/**
 * TsPublishing is the publishing half every MPEG-TS input shares (an SRT publisher, an SRT or UDP pull
 * source): it probes the first data with {@link TsToStream} until the tracks are known, asks its owner once
 * to start the stream with them, then demuxes the rest into that stream, letting readers flush once per
 * read batch. Malformed TS is reported to the owner at most once a second, with how much of it there was.
 *
 * <p>Not thread-safe: one thread feeds it, the one that writes the stream (an event loop).
 */
public final class TsPublishing implements AutoCloseable {
    /** Malformed-TS reports go out at most this often. */
    static final long PROBLEM_REPORT_NANOS = 1_000_000_000L;

    /** Makes the stream once the tracks are known; called once, on the feeding thread. */
    @FunctionalInterface
    public interface Starter {
        /**
         * @param skipped why tracks or programs of the input are dropped, or null when all are carried
         * @return the stream to write to, or null when the stream is refused: later data is then ignored
         */
        Stream start(StreamDesc desc, String skipped);
    }

    /** Receives the malformed-input reports: how many problems since the last report, and the latest. */
    @FunctionalInterface
    public interface Problems {
        void report(long count, String latest);
    }

    private final TsToStream ingest;
    private final Starter starter;
    private final Problems problems;
    private Stream stream;
    private boolean refused;
    private boolean wrote;
    private long lastReportNanos;
    private long sinceReport;

    public TsPublishing(ByteBufAllocator alloc, Starter starter, Problems problems) {
        this.starter = starter;
        this.problems = problems;
        this.ingest = new TsToStream(alloc, this::problem);
        this.lastReportNanos = System.nanoTime() - PROBLEM_REPORT_NANOS;
    }

    /**
     * Feeds one read's data (any number of 188-byte TS packets): probes, starts the stream when probing is
     * done, or writes. Never retains or releases {@code data}.
     */
    public void feed(ByteBuf data, long receivedNanos) {
        if (refused) {
            return;
        }
        if (stream == null) {
            if (ingest.probe(data, receivedNanos) || ingest.probeExpired()) {
                start();
            }
            return;
        }
        ingest.write(stream, data, receivedNanos);
        wrote = true;
    }

    private void start() {
        Stream s = starter.start(ingest.desc(), ingest.skipped());
        if (s == null) {
            refused = true;
            return;
        }
        stream = s;
        ingest.start(s);
        wrote = true;
        batchEnd();
    }

    /** Ends a read batch: readers flush once for all the data fed since the last call. */
    public void batchEnd() {
        if (wrote && stream != null) {
            wrote = false;
            stream.batchEnd();
        }
    }

    /** Whether the stream was started (and not refused). */
    public boolean started() {
        return stream != null;
    }

    /** Whether the owner refused the stream: nothing more is demuxed. */
    public boolean refused() {
        return refused;
    }

    /** Problems found in the input so far. */
    public long problems() {
        return ingest.problems();
    }

    private void problem(String what) {
        sinceReport++;
        long now = System.nanoTime();
        if (now - lastReportNanos >= PROBLEM_REPORT_NANOS) {
            problems.report(sinceReport, what);
            lastReportNanos = now;
            sinceReport = 0;
        }
    }

    /** Releases what probing held and the PES packets in progress. Idempotent; the stream stays the owner's. */
    @Override
    public void close() {
        ingest.close();
    }
}
