package io.sluice.stream;

import io.netty.buffer.ByteBuf;

/**
 * RtpContinuity keeps the RTP headers a stream fans out continuous when its publisher is replaced by a
 * new one (a camera or encoder that reconnected): per media, sequence numbers go on from the last one
 * sent, timestamps go on from the last one plus the wall time the publisher was away, and the SSRC and
 * payload types stay those the readers and forward targets were set up with (RFC 3550 §5.1, §8). A
 * remote server then sees one stream with a pause, not a stream that ends and another that starts with
 * random new numbers.
 *
 * <p>It watches every packet from the start (to know the last numbers sent) and rewrites headers only
 * after the first {@link #gap}: a stream whose publisher never changed is passed through untouched.
 *
 * <p>Not thread-safe: used by {@link Stream} under its lock.
 */
final class RtpContinuity {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int PAYLOAD_TYPES = 128;

    private final int[] clockRates;
    /** Per media: the header values last fanned out. */
    private final boolean[] seen;
    private final int[] lastSeq;
    private final long[] lastTs;
    /** Arrival of the packet that carried {@link #lastTs}. */
    private final long[] lastTsNanos;
    private final long[] ssrc;
    /** Per media: a gap was announced and the next packet fixes the offsets. */
    private final boolean[] pending;
    /** Per media: offsets apply (set at the first packet after a gap). */
    private final boolean[] rewriting;
    private final int[] seqOffset;
    private final long[] tsOffset;
    /** Per media: payload type of the current publisher → payload type announced to readers. */
    private final int[][] payloadTypes;

    /** @param desc the description the readers and targets were set up with (its payload types stay) */
    RtpContinuity(StreamDesc desc) {
        int n = desc.medias().size();
        clockRates = new int[n];
        for (int i = 0; i < n; i++) {
            clockRates[i] = desc.medias().get(i).format().clockRate();
        }
        seen = new boolean[n];
        lastSeq = new int[n];
        lastTs = new long[n];
        lastTsNanos = new long[n];
        ssrc = new long[n];
        pending = new boolean[n];
        rewriting = new boolean[n];
        seqOffset = new int[n];
        tsOffset = new long[n];
        payloadTypes = new int[n][];
    }

    /**
     * The publisher changed: from now on packets come from a publisher whose description is {@code next}
     * (compatible with the original one, see {@link BridgeCompatibility}). The first packet of each media
     * after this call anchors that media's offsets.
     *
     * @param original the description readers were set up with
     */
    void gap(StreamDesc original, StreamDesc next) {
        for (int m = 0; m < seen.length; m++) {
            pending[m] = seen[m];
            payloadTypes[m] = mapPayloadTypes(original.medias().get(m), next.medias().get(m));
        }
    }

    /** Identity map, or null when the new publisher uses the announced payload types. */
    private static int[] mapPayloadTypes(MediaDesc original, MediaDesc next) {
        int[] map = null;
        int n = Math.min(original.formats().size(), next.formats().size());
        for (int i = 0; i < n; i++) {
            int from = next.formats().get(i).payloadType();
            int to = original.formats().get(i).payloadType();
            if (from != to) {
                if (map == null) {
                    map = new int[PAYLOAD_TYPES];
                    for (int pt = 0; pt < PAYLOAD_TYPES; pt++) {
                        map[pt] = pt;
                    }
                }
                map[from] = to;
            }
        }
        return map;
    }

    /**
     * Rewrites one packet's header in place when a gap was bridged, and records what goes out. The
     * packet must be a whole RTP packet of at least 12 bytes that the caller owns.
     */
    void rewrite(int media, ByteBuf rtp, long receivedNanos) {
        int at = rtp.readerIndex();
        int seq = rtp.getUnsignedShort(at + 2);
        long ts = rtp.getUnsignedInt(at + 4);
        if (pending[media]) {
            pending[media] = false;
            rewriting[media] = true;
            seqOffset[media] = (lastSeq[media] + 1 - seq) & 0xffff;
            long away = Math.max(0, receivedNanos - lastTsNanos[media]);
            // at least one tick, so that the first new picture never shares the last old one's timestamp
            long step = Math.max(1, away / NANOS_PER_SECOND * clockRates[media]
                    + away % NANOS_PER_SECOND * clockRates[media] / NANOS_PER_SECOND);
            tsOffset[media] = (lastTs[media] + step - ts) & 0xffff_ffffL;
        }
        if (rewriting[media]) {
            seq = (seq + seqOffset[media]) & 0xffff;
            ts = (ts + tsOffset[media]) & 0xffff_ffffL;
            rtp.setShort(at + 2, seq);
            rtp.setInt(at + 4, (int) ts);
            rtp.setInt(at + 8, (int) ssrc[media]);
            int[] pts = payloadTypes[media];
            if (pts != null) {
                int b1 = rtp.getUnsignedByte(at + 1);
                rtp.setByte(at + 1, (b1 & 0x80) | pts[b1 & 0x7f]);
            }
        } else {
            ssrc[media] = rtp.getUnsignedInt(at + 8);
        }
        record(media, seq, ts, receivedNanos);
    }

    /**
     * Ticks added to the media's timestamps now: 0 before any gap, {@link SenderClock.TimestampShift#UNKNOWN}
     * after a gap until the new publisher's first packet fixes the offset.
     */
    long timestampShift(int media) {
        if (pending[media]) {
            return SenderClock.TimestampShift.UNKNOWN;
        }
        return rewriting[media] ? tsOffset[media] : 0;
    }

    /**
     * The access unit with its timestamp moved like its packets' (call after {@link #rewrite(int, ByteBuf,
     * long)} for the packet that carries it): the same unit when nothing moves, else a copy that takes
     * over the buffers.
     */
    AccessUnit rewrite(int media, AccessUnit au) {
        if (!rewriting[media]) {
            return au;
        }
        return new AccessUnit((au.rtpTimestamp() + tsOffset[media]) & 0xffff_ffffL, au.ptsOffset(), au.units(),
                au.keyframe());
    }

    /** Keeps the highest sequence number and timestamp sent (wrap-aware; late reordered packets do not count). */
    private void record(int media, int seq, long ts, long receivedNanos) {
        if (!seen[media]) {
            seen[media] = true;
            lastSeq[media] = seq;
            lastTs[media] = ts;
            lastTsNanos[media] = receivedNanos;
            return;
        }
        if ((short) (seq - lastSeq[media]) > 0) {
            lastSeq[media] = seq;
        }
        if ((int) (ts - lastTs[media]) > 0) {
            lastTs[media] = ts;
            lastTsNanos[media] = receivedNanos;
        }
    }
}
