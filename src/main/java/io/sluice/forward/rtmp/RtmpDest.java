package io.sluice.forward.rtmp;

import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.conf.DestUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.forward.Dest;
import io.sluice.net.TcpConnector;
import io.sluice.forward.DestContext;
import io.sluice.forward.TrackStatus;
import io.sluice.forward.WriteStallCheck;
import io.sluice.net.FingerprintTrust;
import io.sluice.net.NetLoops;
import io.sluice.net.rtmp.RtmpStreamWriter;
import io.sluice.protocol.rtmp.RtmpChunkEncoder;
import io.sluice.protocol.rtmp.RtmpClientHandshaker;
import io.sluice.protocol.rtmp.RtmpCommand;
import io.sluice.protocol.rtmp.RtmpFromStream;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    /** Outbound chunk size: what OBS uses; every server accepts it. */
    static final int CHUNK_SIZE = 4096;

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
        Channel c = connect(ctx, conn);
        conn.awaitHandshake(timeoutMs);
        c.write(RtmpMessage.setChunkSize(CHUNK_SIZE));

        String tcUrl = "rtmp" + (url.tls() ? "s" : "") + "://" + url.authority() + "/" + url.app();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("app", url.app());
        props.put("type", "nonprivate");
        props.put("flashVer", "FMLE/3.0 (compatible; Sluice)");
        props.put("tcUrl", tcUrl);
        call(conn, c, new RtmpCommand("connect", ++tx, props), 0, "connect");

        String key = streamKey();
        c.write(new RtmpCommand("releaseStream", ++tx, null, key).encode(c.alloc(), 0));
        c.write(new RtmpCommand("FCPublish", ++tx, null, key).encode(c.alloc(), 0));
        RtmpCommand created = call(conn, c, new RtmpCommand("createStream", ++tx, null), 0, "createStream");
        if (created.args().isEmpty() || !(created.args().getFirst() instanceof Double id)) {
            throw new IOException("createStream answered without a stream id");
        }
        streamId = id.intValue();
        c.writeAndFlush(new RtmpCommand("publish", ++tx, null, key, "live").encode(c.alloc(), streamId));
        awaitPublishStart(conn);

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
        String key = url.streamKey();
        if (user.isEmpty() || key.contains("user=")) {
            return key;
        }
        return key + (key.contains("?") ? "&" : "?") + "user=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&pass=" + URLEncoder.encode(pass, StandardCharsets.UTF_8);
    }

    /** Sends a command and waits for its _result; _error fails with the server's description. */
    private RtmpCommand call(RtmpClientConn conn, Channel c, RtmpCommand cmd, int msgStream, String what)
            throws Exception {
        c.writeAndFlush(cmd.encode(c.alloc(), msgStream));
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            RtmpCommand r = conn.next(left, what);
            if (r.transactionId() != cmd.transactionId()) {
                continue; // onBWDone, onFCPublish and other notices
            }
            if (r.name().equals("_result")) {
                return r;
            }
            throw new IOException(what + " refused: " + describe(r));
        }
    }

    private void awaitPublishStart(RtmpClientConn conn) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            RtmpCommand r = conn.next(left, "publish");
            if (r.name().equals("onStatus")) {
                String code = statusCode(r);
                if ("NetStream.Publish.Start".equals(code)) {
                    return;
                }
                if (code != null && (code.contains("Failed") || code.contains("BadName") || code.contains("Denied")
                        || code.contains("Unauthorized") || code.contains("Rejected"))) {
                    throw new IOException("publish refused: " + describe(r));
                }
            } else if (r.name().equals("_error")) {
                throw new IOException("publish refused: " + describe(r));
            }
        }
    }

    private static String statusCode(RtmpCommand r) {
        for (Object a : r.args()) {
            if (a instanceof Map<?, ?> m && m.get("code") instanceof String s) {
                return s;
            }
        }
        return null;
    }

    private static String describe(RtmpCommand r) {
        for (Object a : r.args()) {
            if (a instanceof Map<?, ?> m) {
                return m.get("code") + (m.get("description") != null ? " (" + m.get("description") + ")" : "");
            }
        }
        return r.name();
    }

    private Channel connect(DestContext ctx, RtmpClientConn conn) throws Exception {
        SslContext ssl = url.tls() ? FingerprintTrust.clientContext(conf.rtmpConfig().fingerprint()) : null;
        WriteBufferWaterMark marks = new WriteBufferWaterMark(256 << 10, 1 << 20);
        return new TcpConnector(loops, url.host(), url.port(), timeoutMs, marks).connect(ctx.loop(), ssl, c -> ch = c,
                () -> closed, new RtmpClientHandshaker(), new RtmpChunkEncoder(), conn);
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
