package io.sluice.path;

import io.netty.channel.EventLoop;
import io.sluice.conf.PathConf;
import io.sluice.forward.DestStats;
import io.sluice.forward.ForwardManager;
import io.sluice.protocol.rtp.Depacketizer;
import io.sluice.protocol.rtp.KeyframeDetector;
import io.sluice.protocol.rtp.RtpFormatException;
import io.sluice.stream.Format;
import io.sluice.stream.Stream;
import io.sluice.stream.StreamDesc;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Path is one named path: at most one publisher's stream at a time, the readers attached to it, and
 * the forward targets that follow the stream's life.
 */
public final class Path implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Path.class);

    private final String name;
    private volatile PathConf conf;
    private final ForwardManager forwards;
    /** Called when the stream ends, so readers can close their sessions. */
    private final CopyOnWriteArrayList<Runnable> onStreamEnd = new CopyOnWriteArrayList<>();
    private final Runnable onIdle;
    private PublisherHandle publisher;
    /** The GOP cache bounds of the current configuration, read when a stream starts. */
    private final java.util.function.Supplier<io.sluice.conf.GopCacheConf> gopCache;

    /** @param onIdle called after the publisher left (the manager may drop a path made from a pattern) */
    Path(String name, PathConf conf, ForwardManager forwards, Runnable onIdle) {
        this(name, conf, forwards, onIdle, () -> io.sluice.conf.GopCacheConf.DEFAULT);
    }

    Path(String name, PathConf conf, ForwardManager forwards, Runnable onIdle,
            java.util.function.Supplier<io.sluice.conf.GopCacheConf> gopCache) {
        this.name = name;
        this.conf = conf;
        this.forwards = forwards;
        this.onIdle = onIdle;
        this.gopCache = gopCache;
    }

    public String name() {
        return name;
    }

    public PathConf conf() {
        return conf;
    }

    /** The current stream, or null. */
    public synchronized Stream stream() {
        return publisher == null ? null : publisher.stream;
    }

    /**
     * The event loop the current publisher's packets arrive on, or null. A reader whose socket is not a
     * Netty channel (SRT) writes on this loop, so that it gets packets inline like a forwarder does.
     */
    public synchronized EventLoop publisherLoop() {
        return publisher == null ? null : publisher.loop;
    }

    /** Who publishes, e.g. "rtspSession 127.0.0.1:40012", or null. */
    public synchronized String publisherDescription() {
        return publisher == null ? null : publisher.who;
    }

    synchronized Publisher publish(StreamDesc desc, EventLoop loop, String who) throws PathException {
        if (publisher != null) {
            throw new PathException(PathException.Reason.BUSY,
                    "path '" + name + "' already has a publisher (" + publisher.who + ")");
        }
        Stream s = new Stream(desc, i -> {
            KeyframeDetector d = KeyframeDetector.forCodec(desc.medias().get(i).format().codec());
            return d == KeyframeDetector.NONE ? null : d::isKeyframePacket;
        }, i -> assembler(desc.medias().get(i).format()), gopCache.get());
        publisher = new PublisherHandle(s, loop, who, java.time.Instant.now());
        LOG.info("[path {}] stream ready from {} ({} medias)", name, who, desc.medias().size());
        forwards.streamReady(s, loop);
        return publisher;
    }

    /** The depacketizer for a format, or null when its payloads are whole units or its mode is unsupported. */
    private Depacketizer assembler(Format f) {
        try {
            return Depacketizer.forFormat(f);
        } catch (RtpFormatException e) {
            LOG.warn("[path {}] {} track cannot be re-framed: {}", name, f.codec(), e.getMessage());
            return null;
        }
    }

    private void unpublish(PublisherHandle p) {
        synchronized (this) {
            if (publisher != p) {
                return;
            }
            publisher = null;
        }
        LOG.info("[path {}] stream gone", name);
        forwards.streamGone();
        p.stream.close();
        for (Runnable r : onStreamEnd) {
            r.run();
        }
        onIdle.run();
    }

    /** When the current stream came up, or null. */
    public synchronized java.time.Instant readySince() {
        return publisher == null ? null : publisher.since;
    }

    /** True while a publisher is on the path. */
    public synchronized boolean hasPublisher() {
        return publisher != null;
    }

    /** Registers a callback run when the current stream ends; returns a handle to unregister it. */
    public AutoCloseable onStreamEnd(Runnable r) {
        onStreamEnd.add(r);
        return () -> onStreamEnd.remove(r);
    }

    /** Takes a changed entry: new settings for the next sessions, and the target list diffed by id. */
    void reconfigure(PathConf next, int writeQueueSize) {
        conf = next;
        forwards.reload(next.forwardTargets(), writeQueueSize);
    }

    /** Why an enabled target of this path does not run now, "" when it runs. */
    public String forwardWaiting(String id) {
        return forwards.waiting(id);
    }

    public List<DestStats> forwardStats() {
        return forwards.stats();
    }

    ForwardManager forwards() {
        return forwards;
    }

    @Override
    public void close() {
        PublisherHandle p;
        synchronized (this) {
            p = publisher;
        }
        if (p != null) {
            unpublish(p);
        }
        forwards.close();
    }

    private final class PublisherHandle implements Publisher {
        final Stream stream;
        final EventLoop loop;
        final String who;

        final java.time.Instant since;

        PublisherHandle(Stream stream, EventLoop loop, String who, java.time.Instant since) {
            this.since = since;
            this.stream = stream;
            this.loop = loop;
            this.who = who;
        }

        @Override
        public Stream stream() {
            return stream;
        }

        @Override
        public void close() {
            unpublish(this);
        }
    }
}
