package io.sluice.source.srt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.conf.DestUrl;
import io.sluice.conf.SourceConf;
import io.sluice.conf.SourceUrl;
import io.sluice.net.srt.Srt;
import io.sluice.net.srt.SrtException;
import io.sluice.net.srt.SrtInbox;
import io.sluice.net.srt.SrtOptions;
import io.sluice.net.srt.SrtReject;
import io.sluice.net.srt.SrtSocket;
import io.sluice.net.srt.SrtLinkFigures;
import io.sluice.path.Publisher;
import io.sluice.protocol.mpegts.TsProblemLog;
import io.sluice.protocol.mpegts.TsToStream;
import io.sluice.source.Source;
import io.sluice.source.SourceContext;
import io.sluice.threads.SluiceThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SrtSource pulls an MPEG-TS stream from an SRT listener as a caller, as mediamtx's
 * {@code source: srt://host:port?streamid=read:cam} does, with the URL's streamid, passphrase, pbkeylen and
 * latency; the TS is demuxed by {@link TsToStream} into the path exactly as an SRT publisher's is (probe,
 * publish, write). A wrong passphrase or a listener's refusal fails the attempt with libsrt's reason
 * ("rejected: BADSECRET wrong passphrase", "rejected by the listener: 1404 not found").
 *
 * <p>Threads: srt_connect and srt_recvmsg block in native code, which would pin the runner's (virtual) thread
 * to its carrier, so the session runs on a platform thread of its own that this source starts and joins; the
 * messages go through an {@link SrtInbox} to the context's event loop, where the stream is written. The
 * session thread owns the socket; {@link #close()} may close it from any thread once connected (libsrt wakes
 * the receive), and stops a pending connect between its slices.
 */
public final class SrtSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(SrtSource.class);

    private final SourceConf conf;
    private final DestUrl.Srt url;
    private final Duration timeout;
    private final Duration readTimeout;
    private final String tag;
    private volatile boolean closed;
    private volatile SrtSocket socket;
    private volatile Exception failure;
    private final SrtLinkFigures link = new SrtLinkFigures(SrtLinkFigures.Side.RECEIVER);

    /**
     * @param timeout bound of the SRT handshake
     * @param readTimeout silence after which the session is given up (mediamtx's readTimeout)
     */
    public SrtSource(SourceConf conf, Duration timeout, Duration readTimeout) {
        if (!(conf.url() instanceof SourceUrl.Remote(DestUrl.Srt u))) {
            throw new IllegalArgumentException("not an srt:// source: " + conf.redactedUrl());
        }
        this.conf = conf;
        this.url = u;
        this.timeout = timeout;
        this.readTimeout = readTimeout;
        this.tag = "[srtSource " + conf.redactedUrl() + "]";
    }

    @Override
    public void run(SourceContext ctx) throws Exception {
        if (!Srt.available()) {
            throw new IOException(Srt.unavailableReason());
        }
        SrtOptions options = SrtSourceOptions.of(url, timeout, readTimeout);
        CountDownLatch done = new CountDownLatch(1);
        Thread session = SluiceThreads.startPlatform("srt-source", true, () -> {
            try {
                session(ctx, options);
            } catch (Exception e) {
                failure = e;
            } finally {
                done.countDown();
            }
        });
        try {
            done.await();
        } finally {
            if (done.getCount() > 0) { // interrupted: the runner is stopping
                close();
                if (!SluiceThreads.join(session, Duration.ofMillis(2L * SrtSocket.CONNECT_SLICE_MS))) {
                    LOG.warn("{} {} did not end within {} ms", tag, session.getName(), 2L * SrtSocket.CONNECT_SLICE_MS);
                }
            }
        }
        Exception f = failure;
        if (f != null && !closed) {
            throw f;
        }
    }

    /** On the session thread: connect, receive until the end, then end the publisher on the loop. */
    private void session(SourceContext ctx, SrtOptions options) throws Exception {
        SrtSocket s = connect(options);
        socket = s;
        link.socket(s);
        if (closed) { // close() ran before it could see the socket
            s.close();
            return;
        }
        Ingest ingest = new Ingest(ctx);
        SrtInbox inbox = new SrtInbox(tag, ctx.loop(), ingest, LOG);
        ctx.linkStats(link);
        try {
            LOG.info("{} connected, reading '{}'", tag, ctx.pathName());
            if (inbox.receive(s, readTimeout, () -> closed || ingest.failure != null)) {
                throw new IOException("nothing received from " + url.host() + ":" + url.port() + " for "
                        + readTimeout.toMillis() + " ms (readTimeout)"
                        + (ingest.publisher == null ? "; the stream never started" : ""));
            }
        } catch (SrtException e) {
            if (!closed) {
                throw new IOException("SRT connection to " + url.host() + ":" + url.port() + " ended: "
                        + e.getMessage(), e);
            }
        } finally {
            link.get(); // keep the last figures for the stats
            s.close();
            CountDownLatch ended = new CountDownLatch(1);
            inbox.finish(() -> {
                ingest.close();
                ended.countDown();
            });
            ended.await(); // the run ends with the publisher closed
        }
        if (ingest.failure != null && !closed) {
            throw ingest.failure;
        }
    }

    private SrtSocket connect(SrtOptions options) throws IOException {
        try {
            return SrtSocket.connect(new InetSocketAddress(url.host(), url.port()), options, () -> closed);
        } catch (SrtException e) {
            int why = e.rejectReason();
            if (why == SrtReject.BADSECRET || why == SrtReject.UNSECURE) {
                // libsrt's words name the reason; say where the passphrase comes from
                throw new IOException(e.getMessage() + " (the passphrase is the source URL's passphrase=, "
                        + (options.passphrase().isEmpty() ? "which is not set" : "which the listener refused") + ")",
                        e);
            }
            throw e;
        }
    }

    /**
     * Ingest demuxes the received TS into the path: probe until the tracks are known, publish, then write.
     * On the context's loop only; a failure to publish stops the receive.
     */
    private final class Ingest implements SrtInbox.Handler {
        private final SourceContext ctx;
        private final TsToStream ts = new TsToStream(PooledByteBufAllocator.DEFAULT, new TsProblemLog(LOG, tag));
        private volatile Publisher publisher;
        private volatile Exception failure;
        private boolean wrote;

        Ingest(SourceContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void onMessage(ByteBuf data, long receivedNanos) {
            if (failure != null) {
                return;
            }
            Publisher p = publisher;
            if (p != null) {
                ts.write(p.stream(), data, receivedNanos);
                wrote = true;
            } else if (ts.probe(data, receivedNanos) || ts.probeExpired()) {
                start();
            }
        }

        private void start() {
            try {
                Publisher p = ctx.publish(ts.desc());
                publisher = p;
                if (ts.skipped() != null) {
                    LOG.warn("{} {}", tag, ts.skipped());
                }
                LOG.info("{} publishing '{}' with {}", tag, ctx.pathName(), p.stream().desc().medias().stream()
                        .map(m -> m.format().codec()).toList());
                ts.start(p.stream());
                wrote = true;
            } catch (Exception e) {
                failure = e;
            }
        }

        @Override
        public void batchEnd() {
            Publisher p = publisher;
            if (wrote && p != null) {
                p.stream().batchEnd();
            }
            wrote = false;
        }

        void close() {
            ts.close();
            Publisher p = publisher;
            if (p != null) {
                p.close();
                publisher = null;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        SrtSocket s = socket;
        if (s != null) {
            s.close();
        }
    }
}
