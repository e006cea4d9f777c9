package io.sluice.source.rtmp;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.sluice.conf.DestUrl;
import io.sluice.conf.Redact;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.net.NetLoops;
import io.sluice.net.rtmp.RtmpClient;
import io.sluice.net.rtmp.RtmpClientConn;
import io.sluice.protocol.rtmp.RtmpCommand;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.source.Source;
import io.sluice.source.SourceContext;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * RtmpSource plays a stream from a remote RTMP(S) server, as mediamtx's {@code source: rtmp://host/app/key}
 * does: connect to the app, createStream, play the stream key, then every audio, video and data message goes
 * through {@link RtmpSourceIngest} (the mapper a local RTMP publisher uses) into the path. Enhanced RTMP
 * (H265, AV1, Opus as FourCC) comes through as the mapper reads it. rtmps:// pins {@code sourceFingerprint}.
 *
 * <p>Threads: the runner's thread connects, sends the commands and then watches the session (status
 * messages, the read timeout); the socket and every write to the stream are on the context's event loop.
 */
public final class RtmpSource implements Source {
    /**
     * The buffer length announced with SetBufferLength, as ffmpeg's player does: servers that pace a player
     * by it (FMS, Wowza) then send at the live rate; nginx-rtmp ignores it.
     */
    static final int BUFFER_MS = 3000;
    /** The window after which the server should acknowledge what it received from us (ffmpeg's value). */
    static final long WINDOW_ACK = 2_500_000;
    /** How often the watching thread wakes to check the read timeout. */
    static final long WAKE_MS = 250;
    /** onStatus codes that end a play normally: the remote publisher stopped. */
    private static final Set<String> ENDED = Set.of("NetStream.Play.Stop", "NetStream.Play.UnpublishNotify",
            "NetStream.Play.Complete");

    private final SourceConf conf;
    private final DestUrl.Rtmp url;
    private final NetLoops loops;
    private final long timeoutMs;
    private final long readTimeoutNanos;
    private final String tag;
    private volatile boolean closed;
    private volatile Channel ch;

    /**
     * @param timeout bound of the connect and of each command's reply
     * @param readTimeout how long the session may stay silent before it is given up (mediamtx's readTimeout)
     */
    public RtmpSource(SourceConf conf, NetLoops loops, Duration timeout, Duration readTimeout) {
        if (!(conf.url() instanceof SourceUrl.Remote(DestUrl.Rtmp u))) {
            throw new IllegalArgumentException("not an rtmp(s):// source: " + conf.redactedUrl());
        }
        this.conf = conf;
        this.url = u;
        this.loops = loops;
        this.timeoutMs = timeout.toMillis();
        this.readTimeoutNanos = readTimeout.toNanos();
        this.tag = "[rtmpSource " + Redact.url(u.raw()) + "]";
    }

    @Override
    public void run(SourceContext ctx) throws Exception {
        EventLoop loop = ctx.loop();
        RtmpSourceIngest ingest = new RtmpSourceIngest(ctx, PooledByteBufAllocator.DEFAULT, tag);
        RtmpClientConn conn = new RtmpClientConn(ingest);
        try {
            Channel c = play(ctx, conn);
            watch(conn, c, ingest);
        } finally {
            Channel c = ch;
            if (c != null) {
                c.close();
            }
            endOnLoop(loop, ingest);
        }
    }

    private Channel play(SourceContext ctx, RtmpClientConn conn) throws Exception {
        RtmpClient client = new RtmpClient(url, timeoutMs, conn);
        Channel c = client.connect(loops, ctx.loop(), conf.fingerprint(), WriteBufferWaterMark.DEFAULT,
                created -> ch = created, () -> closed);
        client.connectApp("LNX 9,0,124,2", playerProperties());
        c.write(RtmpMessage.windowAckSize(WINDOW_ACK));
        int streamId = client.createStream();
        client.send("play", streamId, RtmpClient.streamKey(url.streamKey(), url.user(), url.pass()), -2000.0);
        c.write(RtmpMessage.userControl(RtmpMessage.EVENT_SET_BUFFER_LENGTH,
                Unpooled.buffer(8).writeInt(streamId).writeInt(BUFFER_MS)));
        c.flush();
        client.awaitStatus("play", "NetStream.Play.Start");
        return c;
    }

    /** The connect properties of a player, with the Enhanced RTMP codecs it takes. */
    private static Map<String, Object> playerProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("fpad", false);
        p.put("capabilities", 15.0);
        p.put("audioCodecs", 4071.0);
        p.put("videoCodecs", 252.0);
        p.put("videoFunction", 1.0);
        p.put("fourCcList", List.of("hvc1", "av01", "vp09", "Opus"));
        return p;
    }

    /**
     * Watches the playing session until it ends: a failure of the connection or of the ingest throws, a
     * refusal (NetStream.Play.StreamNotFound, ...) throws with the server's code, the remote's Play.Stop or
     * UnpublishNotify returns, and silence for readTimeout throws.
     */
    private void watch(RtmpClientConn conn, Channel c, RtmpSourceIngest ingest) throws Exception {
        while (!closed) {
            RtmpCommand r;
            try {
                r = conn.poll(WAKE_MS, "play");
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                throw new IOException(url.host() + ":" + url.port() + ": " + e.getMessage(), conn.failure());
            }
            if (r != null) {
                RtmpClient.checkRefusal("play", r);
                String code = RtmpClient.statusCode(r);
                if (r.name().equals("onStatus") && ENDED.contains(code)) {
                    return;
                }
            }
            long silentNanos = System.nanoTime() - conn.lastReadNanos();
            if (silentNanos > readTimeoutNanos) {
                throw new IOException("nothing received from " + url.host() + ":" + url.port() + " for "
                        + silentNanos / 1_000_000 + " ms (readTimeout " + readTimeoutNanos / 1_000_000 + " ms)"
                        + (ingest.publishing() ? "" : "; the stream never started"));
            }
        }
    }

    /** Ends the publisher on the loop it writes on, and waits, so the run ends with the publisher closed. */
    private static void endOnLoop(EventLoop loop, RtmpSourceIngest ingest) throws InterruptedException {
        try {
            loop.submit(ingest::close).await();
        } catch (RejectedExecutionException e) {
            ingest.close(); // the loop is gone, so nothing else touches the ingest
        }
    }

    @Override
    public void close() {
        closed = true;
        Channel c = ch;
        if (c != null) {
            c.close();
        }
    }
}
