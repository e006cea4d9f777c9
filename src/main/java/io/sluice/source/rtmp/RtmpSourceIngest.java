package io.sluice.source.rtmp;

import io.netty.buffer.ByteBufAllocator;
import io.sluice.net.rtmp.RtmpClientConn;
import io.sluice.path.Publisher;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.protocol.rtmp.RtmpToStream;
import io.sluice.source.SourceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtmpSourceIngest is what a played RTMP stream becomes on the path: it probes the first FLV tags to learn
 * the tracks, publishes the path through the {@link SourceContext}, then writes every tag to the stream with
 * {@link RtmpToStream}, as a local RTMP publisher's session does, and ends the stream's batch after each
 * socket read so readers and targets flush once.
 *
 * <p>Called only on the connection's event loop (the context's loop), which is also the loop the stream fans
 * out on. A throw from {@link #onMedia} closes the connection (see {@link RtmpClientConn}).
 */
final class RtmpSourceIngest implements RtmpClientConn.MediaSink {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpSourceIngest.class);

    private final SourceContext ctx;
    private final String tag;
    private final RtmpToStream ingest;
    private Publisher publisher;
    private boolean batchPending;
    private boolean closed;

    RtmpSourceIngest(SourceContext ctx, ByteBufAllocator alloc, String tag) {
        this.ctx = ctx;
        this.tag = tag;
        this.ingest = new RtmpToStream(alloc);
    }

    @Override
    public void onMedia(RtmpMessage m) throws Exception {
        if (closed) {
            return;
        }
        if (publisher == null) {
            if (ingest.probe(m) || ingest.probeExpired()) {
                start();
            }
            return;
        }
        ingest.write(publisher.stream(), m, System.nanoTime());
        batchPending = true;
    }

    private void start() throws Exception {
        publisher = ctx.publish(ingest.desc());
        if (ingest.skipped() != null) {
            LOG.warn("{} {}", tag, ingest.skipped());
        }
        LOG.info("{} publishing '{}' with {}", tag, ctx.pathName(), publisher.stream().desc().medias().stream()
                .map(m -> m.format().codec()).toList());
        long now = System.nanoTime();
        for (RtmpMessage held : ingest.takeProbed()) {
            try {
                ingest.write(publisher.stream(), held, now);
            } finally {
                held.release();
            }
        }
        batchPending = true;
    }

    /** Whether the path is published (the tracks are known). */
    boolean publishing() {
        return publisher != null;
    }

    @Override
    public void readComplete() {
        if (batchPending && publisher != null) {
            publisher.stream().batchEnd();
        }
        batchPending = false;
    }

    /** Frees the probe and ends the path's publisher. On the loop; idempotent. */
    void close() {
        closed = true;
        ingest.close();
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
    }
}
