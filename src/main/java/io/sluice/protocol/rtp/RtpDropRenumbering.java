package io.sluice.protocol.rtp;

import java.util.Arrays;

/**
 * RtpDropRenumbering keeps one RTP stream's sequence numbers continuous when ingest drops some of its
 * packets on purpose (a WebRTC sender's padding-only bandwidth probes, which carry nothing for a reader):
 * every forwarded packet's number goes down by the number of skipped packets before it, so a reader or
 * forward target sees no false loss (GStreamer's RTSP RECORD sink aborts on one). Real losses stay gaps,
 * reordering stays reordering, and timestamps are not touched.
 *
 * <p>A skipped number that arrives after a later packet was already forwarded cannot be closed any more
 * (that later packet went out with its number): it stays a gap, as a reordered loss would. Skips further
 * back than {@link #HORIZON} from the highest forwarded number are folded into one count.
 *
 * <p>Not thread-safe: one instance per source, called from the thread that receives it.
 */
public final class RtpDropRenumbering {
    /** Reordering deeper than this is not expected (RFC 3550 §A.1's MAX_MISORDER is 100). */
    static final int HORIZON = 3000;

    private boolean started;
    /** Highest extended sequence number seen (forwarded or skipped). */
    private long highest;
    /** Highest extended sequence number forwarded, or {@link Long#MIN_VALUE}. */
    private long highestForwarded = Long.MIN_VALUE;
    /** Skipped extended numbers within the horizon, increasing. */
    private long[] skipped = new long[16];
    private int size;
    /** Skips folded out of {@link #skipped}: all below every number still to come. */
    private long folded;

    /** Records that {@code seq} (0..65535) will never be forwarded. */
    public void skip(int seq) {
        long ext = extend(seq);
        if (ext <= highestForwarded) {
            return; // too late to close: a later packet already went out
        }
        int at = size;
        while (at > 0 && skipped[at - 1] >= ext) {
            if (skipped[at - 1] == ext) {
                return;
            }
            at--;
        }
        if (size == skipped.length) {
            skipped = Arrays.copyOf(skipped, size * 2);
        }
        System.arraycopy(skipped, at, skipped, at + 1, size - at);
        skipped[at] = ext;
        size++;
    }

    /** The sequence number to forward {@code seq} (0..65535) with. */
    public int map(int seq) {
        long ext = extend(seq);
        highestForwarded = Math.max(highestForwarded, ext);
        fold(highestForwarded - HORIZON);
        if (size == 0 && folded == 0) {
            return seq;
        }
        int below = size;
        while (below > 0 && skipped[below - 1] > ext) {
            below--;
        }
        return (int) ((ext - folded - below) & 0xffff);
    }

    /** Packets skipped so far. */
    public long skipped() {
        return folded + size;
    }

    private long extend(int seq) {
        seq &= 0xffff;
        if (!started) {
            started = true;
            highest = seq + (1L << 16); // room below for packets reordered before the first
            return highest;
        }
        long ext = highest + (short) (seq - (highest & 0xffff));
        highest = Math.max(highest, ext);
        return ext;
    }

    private void fold(long below) {
        int n = 0;
        while (n < size && skipped[n] < below) {
            n++;
        }
        if (n > 0) {
            folded += n;
            System.arraycopy(skipped, n, skipped, 0, size - n);
            size -= n;
        }
    }
}
