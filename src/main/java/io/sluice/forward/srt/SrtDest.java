package io.sluice.forward.srt;

import io.sluice.conf.DestUrl;
import io.sluice.conf.ForwardDest;
import io.sluice.conf.SrtDestConf;
import io.sluice.forward.Dest;
import io.sluice.forward.DestContext;
import io.sluice.forward.TrackStatus;
import io.sluice.net.srt.Srt;
import io.sluice.net.srt.SrtException;
import io.sluice.net.srt.SrtOptions;
import io.sluice.net.srt.SrtSocket;
import io.sluice.net.srt.SrtLinkFigures;
import io.sluice.net.srt.SrtStreamWriter;
import io.sluice.protocol.mpegts.TsFromStream;
import io.sluice.threads.SluiceThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SrtDest pushes a stream to an SRT listener as a caller, re-framed into MPEG-TS by the same writer
 * local SRT readers use. The stream id, passphrase, key length and latency come from
 * {@code srtConfig}, else from the URL's query ({@code srtConfig} wins where both set one).
 *
 * <p>Sends happen on the publisher's event loop; the runner's thread connects, then waits in
 * libsrt's receive until the connection breaks. libsrt's own figures (RTT, loss, retransmits, send
 * buffer) go to the target's stats.
 *
 * <p>Socket ownership: the connect thread while connecting (see {@code connectOnPlatformThread}),
 * then this Dest: the runner's thread, the publisher's event loop (sends) and {@link #close()} (any
 * thread) share the connected socket, which any of them may close; libsrt answers the others with
 * an error.
 */
public final class SrtDest implements Dest {
    private static final Logger LOG = LoggerFactory.getLogger(SrtDest.class);

    private final ForwardDest conf;
    private final DestUrl.Srt url;
    private final Duration connectTimeout;
    private final Duration writeTimeout;
    private volatile SrtSocket socket;
    private volatile boolean closed;
    private final SrtLinkFigures link = new SrtLinkFigures(SrtLinkFigures.Side.SENDER);

    public SrtDest(ForwardDest conf, Duration connectTimeout, Duration writeTimeout) {
        this.conf = conf;
        this.url = (DestUrl.Srt) conf.url();
        this.connectTimeout = connectTimeout;
        this.writeTimeout = writeTimeout;
    }

    /** The options of the caller socket: srtConfig first, then the URL query, then libsrt's defaults. */
    SrtOptions options() {
        SrtDestConf c = conf.srtConfig();
        Map<String, String> q = url.query();
        String streamId = !c.streamId().isEmpty() ? c.streamId() : q.getOrDefault("streamid", "");
        String passphrase = !c.passphrase().isEmpty() ? c.passphrase() : q.getOrDefault("passphrase", "");
        int pbkeylen = c.pbkeylen() != 0 ? c.pbkeylen() : Integer.parseInt(q.getOrDefault("pbkeylen", "0"));
        // srtConfig.latency always has a value (default 120); the URL's applies only when it was left at that.
        int latency = c.latencyMs() != SrtDestConf.DEFAULT_LATENCY_MS || !q.containsKey("latency") ? c.latencyMs()
                : Integer.parseInt(q.get("latency"));
        int connectMs = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        return new SrtOptions(latency, passphrase, pbkeylen, streamId, connectMs,
                SrtOptions.defaults().peerIdleTimeoutMs());
    }

    @Override
    public void run(DestContext ctx) throws Exception {
        if (!Srt.available()) {
            throw new IOException(Srt.unavailableReason());
        }
        SrtSocket s = connectOnPlatformThread();
        socket = s;
        link.socket(s);
        if (closed) { // close() ran between the connect's check and here
            s.close();
            throw new InterruptedException("closed");
        }
        String name = "[forward " + conf.id() + " " + conf.redactedUrl() + "]";
        SrtStreamWriter writer = new SrtStreamWriter(name, s, ctx.stream(), ctx.loop(), ctx.queueCapacity(),
                writeTimeout, LOG);
        try {
            List<TrackStatus> tracks = new ArrayList<>();
            for (TsFromStream.Track t : writer.mapper().tracks()) {
                tracks.add(t.carried() ? TrackStatus.forwarded(t.media(), t.codec())
                        : TrackStatus.skipped(t.media(), t.codec(), t.reason()));
            }
            if (!writer.mapper().carriesAnything()) {
                throw new IOException("no track of the stream can be carried over MPEG-TS: " + tracks);
            }
            ctx.linkStats(link);
            ctx.forwarding(tracks, writer.queue());
            writer.start();
            waitUntilBroken(s, writer);
            link.get(); // keep the last figures for the stats
        } finally {
            writer.close();
            s.close();
        }
        if (!closed && writer.failure() != null) {
            throw writer.failure();
        }
    }

    /**
     * srt_connect blocks in native code for up to the connect timeout, which would pin the runner's
     * virtual thread to its carrier; with more waiting targets than cores that starves every other
     * virtual thread (the bench saw a whole path stall). So it runs on a platform thread of its own,
     * and the runner's virtual thread waits for it unmounted.
     *
     * <p>Ownership: the connect thread owns the socket until the runner has taken it through
     * {@link Handover}. Nobody else closes it while srt_connect runs (libsrt does not make that
     * safe); a stopped target is seen by the connect thread between connect slices, and a socket
     * that connects after the runner gave up is closed by the connect thread itself, so none is
     * left open. The thread ends within one slice ({@link SrtSocket#CONNECT_SLICE_MS}) of a stop;
     * libsrt's shutdown waits for it ({@code Srt.shutdown}).
     */
    private SrtSocket connectOnPlatformThread() throws Exception {
        InetSocketAddress remote = new InetSocketAddress(url.host(), url.port());
        SrtOptions o = options();
        Handover handover = new Handover();
        Thread connecting = SluiceThreads.startPlatform("srt-connect-" + conf.id(), true, () -> {
            try {
                handover.offer(SrtSocket.connect(remote, o, () -> closed || handover.abandoned()));
            } catch (SrtException | RuntimeException e) {
                handover.fail(e);
            }
        });
        try {
            return handover.take();
        } finally {
            handover.abandon(); // no-op once taken; otherwise the connect thread closes what it gets
            // The runner owns the connect thread: it waits for it (at most one slice after an abandon), so
            // that the forward manager's close, which waits for the runner, also waits for this thread.
            if (!SluiceThreads.join(connecting, Duration.ofMillis(2L * SrtSocket.CONNECT_SLICE_MS))) {
                LOG.warn("{} did not end within {} ms", connecting.getName(), 2L * SrtSocket.CONNECT_SLICE_MS);
            }
        }
    }

    /**
     * Handover passes a connected socket from the connect thread to the runner exactly once: a
     * socket offered after the runner abandoned the attempt (stopped, interrupted) is closed by the
     * offering thread instead of being leaked.
     */
    static final class Handover {
        private SrtSocket socket;
        private Exception failure;
        private boolean done, taken, abandoned;

        synchronized void offer(SrtSocket s) {
            if (abandoned) {
                s.close();
                return;
            }
            socket = s;
            done = true;
            notifyAll();
        }

        synchronized void fail(Exception e) {
            failure = e;
            done = true;
            notifyAll();
        }

        /** Waits for the attempt's result; interruptible. */
        synchronized SrtSocket take() throws Exception {
            while (!done) {
                wait();
            }
            if (failure != null) {
                throw failure;
            }
            taken = true;
            return socket;
        }

        /** Gives up unless the socket was taken: closes an offered one, or makes a later offer close it. */
        synchronized void abandon() {
            if (!taken && !abandoned) {
                abandoned = true;
                if (socket != null) {
                    socket.close();
                    socket = null;
                }
            }
        }

        synchronized boolean abandoned() {
            return abandoned;
        }
    }

    /**
     * Waits until the connection breaks or sending failed, polling libsrt's socket state: a blocking
     * srt_recvmsg here would pin the runner's virtual thread to a carrier for the whole session.
     */
    private void waitUntilBroken(SrtSocket s, SrtStreamWriter writer) throws IOException, InterruptedException {
        while (!closed) {
            if (writer.failure() != null) {
                return;
            }
            if (s.isBroken()) {
                throw new IOException("SRT connection to " + url.host() + ":" + url.port()
                        + " broken (the listener left or stopped acknowledging)");
            }
            Thread.sleep(BROKEN_POLL_MS);
        }
    }

    /** How often the session checks libsrt's socket state; breaks are seen within this. */
    static final long BROKEN_POLL_MS = 100;

    @Override
    public void close() {
        closed = true;
        SrtSocket s = socket;
        if (s != null) {
            s.close();
        }
    }
}
