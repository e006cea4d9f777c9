package io.sluice.forward.rtmp;

import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.conf.DestUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.forward.Dest;
import io.sluice.forward.DestContext;
import io.sluice.forward.TrackStatus;
import io.sluice.forward.WriteStallCheck;
import io.sluice.net.NetLoops;
import io.sluice.net.rtmp.RtmpClient;
import io.sluice.net.rtmp.RtmpClientConn;
import io.sluice.net.rtmp.RtmpStreamWriter;
import io.sluice.protocol.rtmp.RtmpCommand;
import io.sluice.protocol.rtmp.RtmpFromStream;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RtmpDest publishes a stream to a remote RTMP(S) server the way encoders do (connect,
 * releaseStream, FCPublish, createStream, publish), then re-frames the stream's access units into FLV
 * with the same mapper local RTMP readers use.
 *
 * <p>Its socket lives on the publisher's event loop, so frames are written inline by the thread that
 * read them, and flushed once per publisher read batch.
 */
public final class RtmpDest implements Dest {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpDest.class);
    private final ForwardDest conf;
    private final DestUrl.Rtmp url;
    private final NetLoops loops;
    private final long timeoutMs;
    private final Duration writeTimeout;
    private volatile boolean closed;
    private volatile Channel ch;
    private volatile int streamId;
    private int tx;

    public RtmpDest(ForwardDest conf, NetLoops loops, Duration timeout, Duration writeTimeout) {
        this.conf = conf;
        this.url = (DestUrl.Rtmp) conf.url();
        this.loops = loops;
        this.timeoutMs = timeout.toMillis();
        this.writeTimeout = writeTimeout;
    }

    @Override
    public void run(DestContext ctx) throws Exception {
        Stream stream = ctx.stream();
        RtmpClientConn conn = new RtmpClientConn();
        RtmpClient client = new RtmpClient(url, timeoutMs, conn);
        Channel c = client.connect(loops, ctx.loop(), conf.rtmpConfig().fingerprint(),
                new WriteBufferWaterMark(256 << 10, 1 << 20), ch -> this.ch = ch, () -> closed);
        client.connectApp("FMLE/3.0 (compatible; Sluice)", Map.of());
        String key = streamKey();
        client.send("releaseStream", 0, key);
        client.send("FCPublish", 0, key);
        streamId = client.createStream();
        client.send("publish", streamId, key, "live");
        c.flush();
        client.awaitStatus("publish", "NetStream.Publish.Start");

        RtmpStreamWriter writer = new RtmpStreamWriter(c, stream.desc(), streamId);
        RtmpFromStream mapper = writer.mapper();
        List<TrackStatus> tracks = new ArrayList<>();
        for (RtmpFromStream.Track t : mapper.tracks()) {
            tracks.add(t.carried() ? TrackStatus.forwarded(t.media(), t.codec())
                    : TrackStatus.skipped(t.media(), t.codec(), t.reason()));
        }
        if (!mapper.carriesAnything()) {
            throw new IOException("no track of the stream can be carried over RTMP: " + tracks);
        }
        c.writeAndFlush(mapper.metadata(c.alloc(), true));
        ReaderQueue queue = new ReaderQueue("[forward " + conf.id() + " " + conf.redactedUrl() + "]", ctx.loop(),
                ctx.queueCapacity(), stream.keyframeMedia(), true, writer, LOG);
        conn.onWritable(queue::drain);
        WriteStallCheck stall = new WriteStallCheck(c, writeTimeout);
        ScheduledFuture<?> stallCheck = c.eventLoop().scheduleAtFixedRate(stall, 1, 1, TimeUnit.SECONDS);
        try {
            ctx.forwarding(tracks, queue);
            stream.addReader(queue, true, true);
            c.closeFuture().await();
        } finally {
            stream.removeReader(queue);
            queue.close();
            stallCheck.cancel(false);
        }
        if (!closed) {
            if (stall.stalled()) {
                throw new IOException(stall.message());
            }
            Throwable f = conn.failure();
            if (f != null) {
                throw new IOException("connection failed: " + f.getMessage(), f);
            }
        }
    }

    /** The stream key with user/pass appended as query parameters (mediamtx style) unless present. */
    private String streamKey() {
        String user = !conf.username().isEmpty() ? conf.username() : url.user();
        String pass = !conf.username().isEmpty() ? conf.password() : url.pass();
        return RtmpClient.streamKey(url.streamKey(), user, pass);
    }

    @Override
    public void close() {
        closed = true;
        Channel c = ch;
        if (c == null) {
            return;
        }
        if (c.isActive() && streamId > 0) {
            // Tell the server the stream ended on purpose, so it does not wait for a timeout.
            c.write(new RtmpCommand("FCUnpublish", 0, null, streamKey()).encode(c.alloc(), 0));
            c.writeAndFlush(new RtmpCommand("deleteStream", 0, null, (double) streamId).encode(c.alloc(), 0))
                    .addListener(f -> c.close());
        } else {
            c.close();
        }
    }
}
