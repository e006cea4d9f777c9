package io.sluice.protocol.mpegts;

import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * TsProblemLog is the {@link TsToStream} problem consumer of an MPEG-TS ingest (an SRT publisher, a pulled
 * SRT source): malformed packets are skipped by the demuxer and reported here, and a stream that is broken
 * throughout would report one per packet, so they are logged at most once a second with the count since the
 * last line. Used on the ingest's loop only.
 */
public final class TsProblemLog implements Consumer<String> {
    /** Reports logged at most this often. */
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final Logger log;
    private final String who;
    private long lastLogNanos;
    private long sinceLog;

    /** @param who whose stream it is, for the log (e.g. "[srtConn 1.2.3.4:5] publisher of 'cam'") */
    public TsProblemLog(Logger log, String who) {
        this.log = log;
        this.who = who;
    }

    @Override
    public void accept(String what) {
        sinceLog++;
        long now = System.nanoTime();
        if (now - lastLogNanos >= INTERVAL_NANOS) {
            log.warn("{}: malformed MPEG-TS ({} in the last second, skipped): {}", who, sinceLog, what);
            lastLogNanos = now;
            sinceLog = 0;
        }
    }
}
