package io.sluice.stream;

import io.netty.buffer.ByteBuf;
import io.sluice.conf.GopCacheConf;
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
 * media ({@link GopCache}), so that a reader or forward target that joins mid-stream starts at that
 * keyframe. A joining reader gets a retained snapshot of it through {@link StreamReader#onReplay} and
 * sends it from its own loop ({@link ReaderQueue}): the publisher never waits for it. Readers that need
 * whole frames get them from one {@link AccessUnitAssembly} for the stream.
 *
 * <p>The cache and the assembly are their own classes but live under this class's lock: caching,
 * depacketizing and fan-out of one packet, and a reader's snapshot plus registration, are each one
 * atomic step, with one uncontended lock per packet.
 */
public final class Stream implements AutoCloseable {
    private final StreamDesc desc;
    private final KeyframeTest[] keyframeTests;
    private final int keyframeMedia;
    /** Guarded by this. */
    private final AccessUnitAssembly accessUnits;
    private final CopyOnWriteArrayList<StreamReader> readers = new CopyOnWriteArrayList<>();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder packetsIn = new LongAdder();
    /** Guarded by this. */
    private final GopCache gop;
    private final GopCacheConf gopLimits;
    /** Timestamp of the current access unit of the keyframe media, and whether a keyframe was seen in it. */
    private long auTimestamp = -1;
    private boolean auKeyframeSeen;
    private volatile boolean closed;
    private volatile Runnable keyframeRequester;
    /** Guarded by this: keeps headers continuous across a change of publisher (see {@link #rebind}). */
    private final RtpContinuity continuity;
    /** Guarded by this: after {@link #rebind}, nothing is fanned out until the new publisher's first keyframe. */
    private boolean awaitingKeyframe;
    /** Fed by write under this lock; read by anyone. */
    private final QualityMeter quality;

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
        this(desc, keyframeTestFor, assemblerFor, GopCacheConf.DEFAULT);
    }

    /** @param gopLimits bounds of the GOP cache (gopCacheMaxBytes, gopCacheMaxDuration) */
    public Stream(StreamDesc desc, IntFunction<KeyframeTest> keyframeTestFor,
            IntFunction<? extends AuAssembler> assemblerFor, GopCacheConf gopLimits) {
        this.desc = desc;
        this.gopLimits = gopLimits;
        this.accessUnits = new AccessUnitAssembly(desc.medias().size(), assemblerFor);
        this.keyframeTests = new KeyframeTest[desc.medias().size()];
        for (int i = 0; i < keyframeTests.length; i++) {
            keyframeTests[i] = keyframeTestFor.apply(i);
        }
        int km = desc.keyframeMedia();
        this.keyframeMedia = km >= 0 && keyframeTests[km] != null ? km : -1;
        this.gop = new GopCache(desc, keyframeMedia, gopLimits);
        this.continuity = new RtpContinuity(desc);
        this.quality = QualityMeter.forDesc(desc, keyframeMedia);
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
     * Fans one RTP packet out to every reader. Ownership of {@code rtp} moves to the stream, which may
     * rewrite its header in place (sequence number, timestamp, SSRC, payload type) after a {@link #rebind}:
     * the caller must not read those bytes afterwards nor share them with anything else.
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
        if (!bridged(media, rtp, receivedNanos, keyframe)) {
            rtp.release();
            return;
        }
        quality.onPacket(media, rtp, receivedNanos);
        Unit unit = new Unit(media, rtp, receivedNanos, keyframe);
        if (pendingAu != null) {
            unit.attach(List.of(pendingAu));
            pendingAu = null;
        } else {
            accessUnits.push(unit);
        }
        try {
            if (keyframeMedia >= 0 && gopLimits.enabled()) {
                gop.add(unit);
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

    /** The publisher finished a batch of reads; readers flush. */
    public void batchEnd() {
        for (StreamReader r : readers) {
            r.onBatchEnd();
        }
    }

    /**
     * Adds a reader. When {@code fromKeyframe} is set and a keyframe is cached, the reader first gets
     * the cached GOP (from the last keyframe on) through {@link StreamReader#onReplay}, then the live
     * packets, with nothing lost or repeated between the two.
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
        // Taking the snapshot and registering under the cache lock means no write() can slip a packet
        // between the two. The lock is held only to retain the units (a 10 s GOP at 20 Mbit/s is
        // ~20,000 packets: about a millisecond); the reader sends them from its own loop, so the
        // publisher never waits for a reader's socket.
        synchronized (this) {
            if (needsAccessUnits && !accessUnits.started() && !closed) {
                accessUnits.start(gop.units()); // the cached GOP too, so a late reader starts at once
            }
            if (fromKeyframe && gop.hasKeyframe()) {
                reader.onReplay(gop.retainedSnapshot(), gop.maxBytes());
            }
            readers.add(reader);
        }
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

    /** The stream's bitrate, picture size and frame rate (for when: conditions, the API, balancing). */
    public QualityMeter quality() {
        return quality;
    }

    /** Number of packets in the GOP cache (for tests and stats). */
    public synchronized int cachedPackets() {
        return gop.size();
    }

    /** What the GOP cache holds now, and how many GOPs were too large for it. */
    public synchronized GopCacheStats gopCacheStats() {
        return gop.stats();
    }

    /** Ends the stream: readers are dropped and the GOP cache is released. Idempotent. */
    @Override
    public void close() {
        closed = true;
        readers.clear();
        synchronized (this) {
            gop.clear();
            accessUnits.close();
            if (pendingAu != null) {
                pendingAu.release();
                pendingAu = null;
            }
        }
    }

    /**
     * Keeps the readers and forward targets of this stream for a new publisher whose description is
     * {@code next} (checked with {@link BridgeCompatibility}): the publisher that wrote until now has left,
     * and the new one writes from here on, possibly from another thread. Readers see nothing until the new
     * publisher's first keyframe, then its packets with sequence numbers, timestamps, SSRCs and payload
     * types that carry on from the old ones ({@link RtpContinuity}), so they keep their sessions. The GOP
     * cache and the access-unit assemblers restart: nothing of the old publisher may leak into the new
     * stream's first picture.
     */
    public synchronized void rebind(StreamDesc next) {
        keyframeRequester = null;
        continuity.gap(desc, next);
        SenderClock clock = senderClock;
        if (clock != null) {
            clock.clear(); // the old publisher's clock says nothing of the new one's
        }
        gop.restart();
        auTimestamp = -1;
        auKeyframeSeen = false;
        awaitingKeyframe = keyframeMedia >= 0;
        if (pendingAu != null) {
            pendingAu.release();
            pendingAu = null;
        }
        accessUnits.restart(gop.units()); // the cache is empty: fresh assemblers, nothing replayed
    }

    /**
     * The publisher left and the path keeps this stream for a while in case it comes back: its way of
     * asking for keyframes goes with it.
     */
    public void publisherLeft() {
        keyframeRequester = null;
    }

    /**
     * After a {@link #rebind}: false for packets before the new publisher's first keyframe (dropped, of
     * every media, so that audio does not run ahead of the picture); then rewrites the header in place so
     * that it carries on the old publisher's numbering. Called under the lock by write.
     */
    private boolean bridged(int media, ByteBuf rtp, long receivedNanos, boolean keyframe) {
        if (awaitingKeyframe) {
            if (!keyframe) {
                return false;
            }
            awaitingKeyframe = false;
        }
        continuity.rewrite(media, rtp, receivedNanos);
        if (pendingAu != null) {
            // an access unit from a source that is not RTP (RTMP, MPEG-TS) carries its own timestamp
            pendingAu = continuity.rewrite(media, pendingAu);
        }
        return true;
    }

    /** RTP packets the access-unit assemblers could not parse. */
    public long badPackets() {
        return accessUnits.badPackets();
    }

    /** How far {@link RtpContinuity} moves a media's timestamps, for the publisher's sender reports. */
    private synchronized long senderTimestampShift(int media) {
        return continuity.timestampShift(media);
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
                    c = new SenderClock(desc.medias().size(), this::senderTimestampShift);
                    senderClock = c;
                }
            }
        }
        return c;
    }
}
