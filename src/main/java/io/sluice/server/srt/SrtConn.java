package io.sluice.server.srt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.sluice.net.srt.SrtException;
import io.sluice.net.srt.SrtInbox;
import io.sluice.net.srt.SrtSocket;
import io.sluice.net.srt.SrtStreamWriter;
import io.sluice.path.Path;
import io.sluice.path.PathException;
import io.sluice.path.Publisher;
import io.sluice.path.SessionRegistry;
import io.sluice.protocol.mpegts.TsFromStream;
import io.sluice.protocol.mpegts.TsProblemLog;
import io.sluice.protocol.mpegts.TsToStream;
import io.sluice.protocol.srt.SrtStreamId;
import io.sluice.stream.Stream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SrtConn is one accepted SRT connection: a publisher (MPEG-TS in, demuxed into the path's stream) or
 * a reader (the path's stream re-framed to MPEG-TS).
 *
 * <p>{@link #run()} owns the connection's thread, which waits in libsrt's receive. A publisher's
 * messages are handed to an event loop in batches by an {@link SrtInbox}: the stream is written
 * there, so RTSP/RTMP readers and forwarders on that loop get units inline.
 */
final class SrtConn implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SrtConn.class);
    private final SrtServer server;
    private final SrtSocket socket;
    private final SrtStreamId id;
    private final String tag;
    /** The user it authenticated as, "" when it needed no credentials. */
    private final String user;
    private volatile boolean closed;
    /** Owned by the loop for a publisher, by the connection's thread for a reader. */
    private SessionRegistry.Registration registration;

    // Publisher state, touched only on `loop` once created.
    private EventLoop loop;
    private TsToStream ingest;
    private Publisher publisher;
    private boolean refused;
    private boolean wrote;

    SrtConn(SrtServer server, SrtSocket socket, SrtStreamId id, String user) {
        this.server = server;
        this.socket = socket;
        this.id = id;
        this.user = user;
        this.tag = "[srtConn " + socket.peer() + "]";
    }

    @Override
    public void run() {
        try {
            if (id.publish()) {
                publish();
            } else {
                read();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} closing after error", tag, e);
        } finally {
            socket.close();
        }
    }

    private void publish() {
        loop = server.loops().next();
        String who = tag + " publisher of '" + id.path() + "'";
        ingest = new TsToStream(PooledByteBufAllocator.DEFAULT, new TsProblemLog(LOG, who));
        SrtInbox inbox = new SrtInbox(who, loop, new SrtInbox.Handler() {
            @Override
            public void onMessage(ByteBuf data, long receivedNanos) {
                ingest(data, receivedNanos);
            }

            @Override
            public void batchEnd() {
                if (wrote) {
                    publisher.stream().batchEnd();
                    wrote = false;
                }
            }
        }, LOG);
        LOG.info("{} publishing to '{}'", tag, id.path());
        Duration readTimeout = server.conf().io().readTimeout();
        try {
            if (inbox.receive(socket, readTimeout, () -> closed)) {
                LOG.info("{} closing: nothing received for {} ms (readTimeout)", tag, readTimeout.toMillis());
            }
        } catch (SrtException e) {
            if (!closed) {
                LOG.info("{} publisher of '{}' disconnected: {}", tag, id.path(), e.getMessage());
            }
        } finally {
            closed = true;
            inbox.finish(this::endPublishing);
        }
    }

    /** On the loop: probes with one message until the tracks are known, then demuxes into the stream. */
    private void ingest(ByteBuf data, long receivedNanos) {
        if (refused || closed && publisher == null) {
            return;
        }
        if (publisher == null) {
            if (ingest.probe(data, receivedNanos) || ingest.probeExpired()) {
                startStream();
            }
        } else {
            ingest.write(publisher.stream(), data, receivedNanos);
            wrote = true;
        }
    }

    private void startStream() {
        try {
            publisher = server.paths().publish(id.path(), ingest.desc(), loop, "srtConn " + socket.peer(), () -> {
                LOG.info("{} replaced by a new publisher of '{}'", tag, id.path());
                close();
            });
        } catch (PathException e) {
            // Another publisher won the race after the handshake gate let this one in (or took the last
            // room under maxPaths).
            if (!server.paths().countRefusal("srt", SessionRegistry.remote(socket.peer()), e)) {
                LOG.info("{} refused: {}", tag, e.getMessage());
            }
            refused = true;
            socket.close();
            return;
        }
        registration = register(SessionRegistry.Role.PUBLISH, publisher.stream()::bytesIn);
        if (ingest.skipped() != null) {
            LOG.warn("{} publisher of '{}': {}", tag, id.path(), ingest.skipped());
        }
        ingest.start(publisher.stream());
        publisher.stream().batchEnd();
    }

    private void endPublishing() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
        if (publisher != null) {
            LOG.info("{} stopped publishing '{}'", tag, id.path());
            publisher.close();
            publisher = null;
        }
        ingest.close();
    }

    private void read() {
        Path path;
        try {
            path = awaitStream();
        } catch (PathException e) {
            if (!server.paths().countRefusal("srt", SessionRegistry.remote(socket.peer()), e)) {
                LOG.info("{} refused: {}", tag, e.getMessage());
            }
            return;
        }
        if (path == null) {
            return;
        }
        Stream stream = path.stream();
        EventLoop publisherLoop = path.publisherLoop();
        if (stream == null || publisherLoop == null) {
            LOG.info("{} refused: the stream of '{}' ended", tag, id.path());
            return;
        }
        SrtStreamWriter writer = new SrtStreamWriter(tag + " reader of '" + id.path() + "'", socket, stream,
                publisherLoop, server.conf().io().writeQueueSize(), server.conf().io().writeTimeout(), LOG);
        AutoCloseable hook = path.onStreamEnd(socket::close);
        try {
            if (!writer.mapper().carriesAnything()) {
                LOG.warn("{} refused: no track of '{}' can be carried over MPEG-TS: {}", tag, id.path(),
                        writer.mapper().tracks());
                return;
            }
            for (TsFromStream.Track t : writer.mapper().tracks()) {
                if (!t.carried()) {
                    LOG.warn("{} reader of '{}': {} track skipped: {}", tag, id.path(), t.codec(), t.reason());
                }
            }
            writer.start();
            registration = register(SessionRegistry.Role.READ, writer.queue()::bytesOut);
            LOG.info("{} reading '{}'", tag, id.path());
            waitUntilBroken();
            if (writer.failure() != null && !closed) {
                LOG.info("{} reader of '{}' closed: {}", tag, id.path(), writer.failure().getMessage());
            }
        } finally {
            if (registration != null) {
                registration.close();
                registration = null;
            }
            writer.close();
            try {
                hook.close();
            } catch (Exception e) {
                LOG.debug("{} {}", tag, e.toString());
            }
        }
    }

    /** How often a reader waiting for an on-demand stream checks that its client is still there. */
    private static final int DEMAND_WAKE_MS = 250;

    /**
     * The path to read, once its stream is there: at once, or after an on-demand path brought it (this thread
     * waits; the path's start timeout bounds the wait). Null when the reader left or the server closed meanwhile.
     */
    private Path awaitStream() throws PathException {
        CompletableFuture<Path> ready = server.paths().readableAsync(id.path(), id.query());
        try {
            while (true) {
                try {
                    return ready.get(DEMAND_WAKE_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (closed || socket.isBroken()) {
                        LOG.info("{} left while '{}' was starting on demand", tag, id.path());
                        ready.cancel(false);
                        return null;
                    }
                }
            }
        } catch (InterruptedException e) {
            ready.cancel(false);
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            throw PathException.of(e);
        }
    }

    /** A reader sends nothing we need; receiving only tells when the connection ends. */
    private void waitUntilBroken() {
        byte[] buf = new byte[1500];
        socket.receiveTimeoutMs(1000);
        try {
            while (!closed) {
                socket.receive(buf);
            }
        } catch (SrtException e) {
            if (!closed) {
                LOG.info("{} reader of '{}' disconnected: {}", tag, id.path(), e.getMessage());
            }
        }
    }

    private SessionRegistry.Registration register(SessionRegistry.Role role, java.util.function.LongSupplier bytes) {
        return server.sessions().register("srt", role, id.path(), SessionRegistry.remote(socket.peer()), user,
                id.query(), bytes,
                () -> {
                    LOG.info("{} kicked", tag);
                    close();
                });
    }

    /** Closes the socket; the connection's thread then ends. Any thread. */
    @Override
    public void close() {
        closed = true;
        socket.close();
    }
}
