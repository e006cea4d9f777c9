package io.sluice.stream;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Stream is one publisher's media, fanned out to every reader and forwarder of its path.
 *
 * <p>Threading: {@link #write} and {@link #batchEnd} are called by the publisher, one thread at a
 * time. Readers are called inline on that thread, so a packet goes from the publisher's socket to a
 * reader's socket without a thread hand-off whenever the reader lives on the same event loop (see
 * {@link ReaderQueue}). Adding and removing readers may happen on any thread.
 *
 * <p>GOP cache: the stream keeps the packets of every media since the last keyframe of its main video
 * media, so that a reader or forward target that joins mid-stream starts at that keyframe and the
 * remote can decode at once instead of waiting up to a GOP.
 */
public final class Stream implements AutoCloseable {
    /** A GOP larger than this many packets is not cached (a stream without keyframes, or a huge GOP). */
    static final int MAX_GOP_PACKETS = 4096;
    /** A GOP larger than this many bytes is not cached. */
    static final long MAX_GOP_BYTES = 16L << 20;

    private final StreamDesc desc;
    private final KeyframeTest[] keyframeTests;
    private final int keyframeMedia;
    private final CopyOnWriteArrayList<StreamReader> readers = new CopyOnWriteArrayList<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder packetsIn = new LongAdder();
    /** Guarded by this: the GOP cache, in arrival order. */
    private final ArrayList<Unit> gop = new ArrayList<>();
    private long gopBytes;
    private boolean gopOverflow;
    /** Timestamp of the current access unit of the keyframe media, and whether a keyframe was seen in it. */
    private long auTimestamp = -1;
    private boolean auKeyframeSeen;
    private volatile boolean closed;

    /** KeyframeTest tells whether an RTP packet carries keyframe data for one media's codec. */
    @FunctionalInterface
    public interface KeyframeTest {
        boolean isKeyframe(ByteBuf rtpPacket);
    }

    /**
     * @param desc what the publisher announced
     * @param keyframeTestFor gives the keyframe test of a media index, or null for media without
     *     keyframes (the protocol layer knows the codecs; the stream does not)
     */
    public Stream(StreamDesc desc, IntFunction<KeyframeTest> keyframeTestFor) {
        this.desc = desc;
        this.keyframeTests = new KeyframeTest[desc.medias().size()];
        for (int i = 0; i < keyframeTests.length; i++) {
            keyframeTests[i] = keyframeTestFor.apply(i);
        }
        int km = desc.keyframeMedia();
        this.keyframeMedia = km >= 0 && keyframeTests[km] != null ? km : -1;
    }

    public StreamDesc desc() {
        return desc;
    }

    /** Index of the media whose keyframes start the GOP cache, or -1 when there is none. */
    public int keyframeMedia() {
        return keyframeMedia;
    }

    /**
     * Fans one RTP packet out to every reader. Ownership of {@code rtp} moves to the stream.
     *
     * @param media index of the media in {@link #desc()}
     */
    public synchronized void write(int media, ByteBuf rtp, long receivedNanos) {
        // One uncontended lock per packet (tens of ns) makes caching + fan-out atomic with respect to
        // addReader, so a joining reader never sees a packet twice or misses one.
        if (closed || media < 0 || media >= keyframeTests.length || rtp.readableBytes() < 12) {
            rtp.release();
            return;
        }
        bytesIn.add(rtp.readableBytes());
        packetsIn.increment();
        boolean keyframe = false;
        if (media == keyframeMedia) {
            long ts = rtp.getUnsignedInt(rtp.readerIndex() + 4);
            if (ts != auTimestamp) {
                auTimestamp = ts;
                auKeyframeSeen = false;
            }
            if (!auKeyframeSeen && keyframeTests[media].isKeyframe(rtp)) {
                auKeyframeSeen = true;
                keyframe = true;
            }
        }
        Unit unit = new Unit(media, rtp, receivedNanos, keyframe);
        try {
            if (keyframeMedia >= 0) {
                cache(unit);
            }
            for (StreamReader r : readers) {
                r.onUnit(unit);
            }
        } finally {
            unit.release();
        }
    }

    /** The publisher finished a batch of reads; readers flush. */
    public void batchEnd() {
        for (StreamReader r : readers) {
            r.onBatchEnd();
        }
    }

    private void cache(Unit unit) {
        if (unit.keyframe()) {
            // The packets of this access unit that came before the keyframe packet (SPS/PPS, AUD)
            // have the same timestamp: keep them, drop everything older.
            int keep = gop.size();
            for (int i = gop.size() - 1; i >= 0; i--) {
                Unit u = gop.get(i);
                if (u.media() == unit.media()) {
                    if (u.timestamp() != unit.timestamp()) {
                        break;
                    }
                    keep = i;
                }
            }
            List<Unit> old = gop.subList(0, keep);
            for (Unit u : old) {
                gopBytes -= u.size();
                u.release();
            }
            old.clear();
            gopOverflow = false;
        } else if (gopOverflow || gop.isEmpty()) {
            // nothing is cached until the first keyframe: a reader could not start before it anyway
            return;
        }
        if (gop.size() >= MAX_GOP_PACKETS || gopBytes + unit.size() > MAX_GOP_BYTES) {
            clearGop();
            gopOverflow = true;
            return;
        }
        gop.add(unit.retain());
        gopBytes += unit.size();
    }

    private void clearGop() {
        for (Unit u : gop) {
            u.release();
        }
        gop.clear();
        gopBytes = 0;
    }

    /**
     * Adds a reader. When {@code fromKeyframe} is set and a keyframe is cached, the reader first gets
     * the cached GOP (from the last keyframe on), then the live packets, with nothing lost or repeated
     * between the two.
     */
    public void addReader(StreamReader reader, boolean fromKeyframe) {
        // Holding the cache lock while replaying and registering means no write() can slip a packet
        // between the replay and the registration.
        synchronized (this) {
            if (fromKeyframe && hasCachedKeyframe()) {
                for (Unit u : gop) {
                    reader.onUnit(u);
                }
                reader.onBatchEnd();
            }
            readers.add(reader);
        }
    }

    private boolean hasCachedKeyframe() {
        for (Unit u : gop) {
            if (u.keyframe()) {
                return true;
            }
        }
        return false;
    }

    public void removeReader(StreamReader reader) {
        readers.remove(reader);
    }

    public int readerCount() {
        return readers.size();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long packetsIn() {
        return packetsIn.sum();
    }

    /** Number of packets in the GOP cache (for tests and stats). */
    public synchronized int cachedPackets() {
        return gop.size();
    }

    /** Ends the stream: readers are dropped and the GOP cache is released. Idempotent. */
    @Override
    public void close() {
        closed = true;
        readers.clear();
        synchronized (this) {
            clearGop();
        }
    }
}
