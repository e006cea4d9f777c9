package io.sluice.stream;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(Stream.class);
    /** A GOP larger than this many packets is not cached (a stream without keyframes, or a huge GOP). */
    static final int MAX_GOP_PACKETS = 4096;
    /** A GOP larger than this many bytes is not cached. */
    static final long MAX_GOP_BYTES = 16L << 20;

    private final StreamDesc desc;
    private final KeyframeTest[] keyframeTests;
    private final int keyframeMedia;
    private final IntFunction<? extends AuAssembler> assemblerFor;
    /** Guarded by this: one assembler per media (null entries for media without), or null while no
     * reader needs access units: RTP-only streams never pay for depacketizing. */
    private AuAssembler[] assemblers;
    private final LongAdder badPackets = new LongAdder();
    private long lastBadWarnNanos;
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
    private volatile Runnable keyframeRequester;

    /** KeyframeTest tells whether an RTP packet carries keyframe data for one media's codec. */
    @FunctionalInterface
    public interface KeyframeTest {
        boolean isKeyframe(ByteBuf rtpPacket);
    }

    /**
     * AuAssembler rebuilds the access units of one media from its RTP packets (the protocol layer's
     * depacketizer). It never keeps or changes the packet; the returned units belong to the caller.
     * A packet it cannot parse throws a RuntimeException that names the problem; the stream counts
     * it and goes on.
     */
    public interface AuAssembler extends AutoCloseable {
        List<AccessUnit> push(ByteBuf rtpPacket);

        @Override
        void close();
    }

    /**
     * @param desc what the publisher announced
     * @param keyframeTestFor gives the keyframe test of a media index, or null for media without
     *     keyframes (the protocol layer knows the codecs; the stream does not)
     */
    public Stream(StreamDesc desc, IntFunction<KeyframeTest> keyframeTestFor) {
        this(desc, keyframeTestFor, i -> null);
    }

    /**
     * @param assemblerFor gives a new access-unit assembler for a media index, or null for media whose
     *     RTP payloads are already whole units; called once per media when the first reader that needs
     *     access units arrives
     */
    public Stream(StreamDesc desc, IntFunction<KeyframeTest> keyframeTestFor,
            IntFunction<? extends AuAssembler> assemblerFor) {
        this.desc = desc;
        this.assemblerFor = assemblerFor;
        this.keyframeTests = new KeyframeTest[desc.medias().size()];
        for (int i = 0; i < keyframeTests.length; i++) {
            keyframeTests[i] = keyframeTestFor.apply(i);
        }
        int km = desc.keyframeMedia();
        this.keyframeMedia = km >= 0 && keyframeTests[km] != null ? km : -1;
    }

    /**
     * Installs the publisher's way of asking its source for a keyframe (a WebRTC publisher sends a
     * PLI). Publishers that cannot ask (RTSP, RTMP, SRT) install nothing: a reader that joins starts
     * at the cached keyframe instead. The requester must be cheap, thread-safe and rate-limited itself.
     */
    public void setKeyframeRequester(Runnable requester) {
        this.keyframeRequester = requester;
    }

    /**
     * Passes a reader's or forward target's keyframe request (PLI/FIR) to the publisher; false when the
     * publisher cannot be asked. Any thread.
     */
    public boolean requestKeyframe() {
        Runnable r = keyframeRequester;
        if (r == null || closed) {
            return false;
        }
        r.run();
        return true;
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
        if (pendingAu != null) {
            unit.attach(List.of(pendingAu));
            pendingAu = null;
        } else if (assemblers != null && assemblers[media] != null) {
            assemble(assemblers[media], unit);
        }
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

    /**
     * Fans out one access unit from a source that is not RTP (RTMP, MPEG-TS), together with the RTP
     * packets made from it once for the whole stream. Ownership of the packets and the access unit
     * moves to the stream; the access unit rides on the last packet, the one that completes it.
     */
    public synchronized void write(int media, List<ByteBuf> rtpPackets, AccessUnit au, long receivedNanos) {
        int last = rtpPackets.size() - 1;
        if (last < 0) {
            au.release();
            return;
        }
        for (int i = 0; i < last; i++) {
            write(media, rtpPackets.get(i), receivedNanos);
        }
        pendingAu = au;
        write(media, rtpPackets.get(last), receivedNanos);
        if (pendingAu != null) { // the packet was refused (stream closed or bad media)
            pendingAu.release();
            pendingAu = null;
        }
    }

    /** Access unit handed over by {@link #write(int, List, AccessUnit, long)} for its last packet. */
    private AccessUnit pendingAu;

    private void assemble(AuAssembler a, Unit unit) {
        try {
            List<AccessUnit> aus = a.push(unit.rtp());
            if (!aus.isEmpty()) {
                unit.attach(aus);
            }
        } catch (RuntimeException e) {
            badPackets.increment();
            long now = System.nanoTime();
            if (now - lastBadWarnNanos > 1_000_000_000L) {
                lastBadWarnNanos = now;
                LOG.warn("media {}: cannot rebuild access units ({} bad packets so far): {}", unit.media(),
                        badPackets.sum(), e.getMessage());
            }
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
        addReader(reader, fromKeyframe, false);
    }

    /**
     * Adds a reader, as {@link #addReader(StreamReader, boolean)}; with {@code needsAccessUnits} the
     * stream starts rebuilding access units (once for all such readers) and the units the reader gets,
     * cached ones included, carry them.
     */
    public void addReader(StreamReader reader, boolean fromKeyframe, boolean needsAccessUnits) {
        // Holding the cache lock while replaying and registering means no write() can slip a packet
        // between the replay and the registration.
        synchronized (this) {
            if (needsAccessUnits && assemblers == null && !closed) {
                startAssembling();
            }
            if (fromKeyframe && hasCachedKeyframe()) {
                for (Unit u : gop) {
                    reader.onUnit(u);
                }
                reader.onBatchEnd();
            }
            readers.add(reader);
        }
    }

    /** Creates the assemblers and runs the cached GOP through them, so a late reader starts at once. */
    private void startAssembling() {
        AuAssembler[] a = new AuAssembler[desc.medias().size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = assemblerFor.apply(i);
        }
        for (Unit u : gop) {
            if (a[u.media()] != null && u.accessUnits().isEmpty()) {
                assemble(a[u.media()], u);
            }
        }
        assemblers = a;
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
            if (assemblers != null) {
                for (AuAssembler a : assemblers) {
                    if (a != null) {
                        a.close();
                    }
                }
                assemblers = null;
            }
            if (pendingAu != null) {
                pendingAu.release();
                pendingAu = null;
            }
        }
    }

    /** RTP packets the access-unit assemblers could not parse. */
    public long badPackets() {
        return badPackets.sum();
    }

    /** Made at first use; see {@link #senderClock()}. */
    private volatile SenderClock senderClock;

    /**
     * The publisher's RTP↔NTP mapping per media (from its RTCP sender reports, or its own timeline):
     * ingest sets it, senders read it for the sender reports they send. Any thread.
     */
    public SenderClock senderClock() {
        SenderClock c = senderClock;
        if (c == null) {
            synchronized (this) {
                c = senderClock;
                if (c == null) {
                    c = new SenderClock(desc.medias().size());
                    senderClock = c;
                }
            }
        }
        return c;
    }
}
