package io.sluice.net.srt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.sluice.protocol.mpegts.TsFromStream;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import io.sluice.stream.Unit;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * SrtStreamWriter is the reader-queue sink that writes a stream as MPEG-TS (through
 * {@link TsFromStream}) to a connected SRT socket, with its own queue and the retry when libsrt's
 * send buffer is full. Local SRT readers and srt:// forward targets both use it, so both behave the same.
 *
 * <p>TS packets go out in messages of up to {@link SrtSocket#LIVE_PAYLOAD} bytes (7 × 188, what every
 * SRT peer expects in live mode). Full messages leave as soon as they fill; the rest of a batch
 * leaves on {@link #flush()}, once per publisher read batch, so a frame never waits for the next one.
 *
 * <p>Sends happen on the given event loop (the publisher's, so units are sent inline by the thread
 * that read them). libsrt's send is non-blocking: a full send buffer means the peer stopped
 * acknowledging. The unsent bytes then wait here, {@link #isWritable()} turns false (the queue
 * holds, and past its bound drops, further units), and the writer retries every {@link #RETRY_MS} ms;
 * it gives up after the write timeout, closing the socket so that whoever waits on it sees the failure.
 *
 * <p>The TS-to-message packing and the send-buffer state are one class on purpose: the 1316-byte
 * message is SRT live mode's unit, and "blocked", the retry and the timeout are one state machine
 * over one socket. {@code protocol/mpegts} keeps only the pure muxer.
 */
public final class SrtStreamWriter implements ReaderQueue.Sink, AutoCloseable {
    static final long RETRY_MS = 5;

    private final SrtSocket socket;
    private final Stream stream;
    private final EventLoop loop;
    private final long writeTimeoutNanos;
    private final TsFromStream mapper;
    private final ReaderQueue queue;
    /** TS bytes not yet handed to libsrt. Touched only on the loop (and freed there by close). */
    private final ByteBuf pending;
    private boolean blocked;
    private long blockedSinceNanos;
    /** The send error that ended this writer (loop only), or null. */
    private IOException sendFailure;
    private volatile IOException timeoutFailure;
    private volatile boolean closed;

    /**
     * @param name for logs, e.g. "[forward t0 srt://host:port]"
     */
    public SrtStreamWriter(String name, SrtSocket socket, Stream stream, EventLoop loop, int queueCapacity,
            Duration writeTimeout, Logger log) {
        this.socket = socket;
        this.stream = stream;
        this.loop = loop;
        this.writeTimeoutNanos = writeTimeout.toNanos();
        this.mapper = new TsFromStream(stream.desc());
        this.pending = ByteBufAllocator.DEFAULT.buffer(4 * SrtSocket.LIVE_PAYLOAD);
        this.queue = new ReaderQueue(name, loop, queueCapacity, stream.keyframeMedia(), true, this, log);
    }

    /** Which tracks are carried. */
    public TsFromStream mapper() {
        return mapper;
    }

    public ReaderQueue queue() {
        return queue;
    }

    /** Attaches to the stream (from its last keyframe on). */
    public void start() {
        stream.addReader(queue, true, true);
    }

    /** Why sending stopped (the connection broke or the peer took nothing for the write timeout), or null. */
    public IOException failure() {
        IOException f = timeoutFailure;
        return f != null ? f : sendFailure;
    }

    @Override
    public boolean isWritable() {
        return !blocked && sendFailure == null;
    }

    @Override
    public void write(Unit unit) {
        if (sendFailure != null) {
            return;
        }
        mapper.onUnit(unit, pending);
        send(false);
    }

    @Override
    public void flush() {
        send(true);
    }

    private void send(boolean partialToo) {
        while (!blocked && sendFailure == null && pending.isReadable()) {
            int n = Math.min(SrtSocket.LIVE_PAYLOAD, pending.readableBytes());
            if (n < SrtSocket.LIVE_PAYLOAD && !partialToo) {
                break;
            }
            try {
                if (socket.send(pending, pending.readerIndex(), n) <= 0) {
                    blocked = true;
                    blocked();
                    break;
                }
            } catch (IOException e) {
                sendFailure = e;
                pending.clear();
                return;
            }
            pending.skipBytes(n);
        }
        if (!pending.isReadable()) {
            pending.clear();
        } else if (pending.readerIndex() > 8 * SrtSocket.LIVE_PAYLOAD) {
            pending.discardReadBytes();
        }
    }

    private void blocked() {
        if (blockedSinceNanos == 0) {
            blockedSinceNanos = System.nanoTime();
        }
        loop.schedule(this::retry, RETRY_MS, TimeUnit.MILLISECONDS);
    }

    private void retry() {
        if (closed) {
            return;
        }
        blocked = false;
        send(true);
        if (!blocked) {
            blockedSinceNanos = 0;
            queue.drain();
        } else if (System.nanoTime() - blockedSinceNanos > writeTimeoutNanos) {
            timeoutFailure = new IOException("the peer took no data for " + writeTimeoutNanos / 1_000_000
                    + " ms (writeTimeout)");
            socket.close(); // wakes the thread that waits on the socket
        }
        // else: blocked() ran again from inside send() and scheduled the next attempt
    }

    /** Detaches from the stream and frees the bytes still waiting (on the loop). Does not close the socket. */
    @Override
    public void close() {
        closed = true;
        stream.removeReader(queue);
        queue.close();
        try {
            loop.execute(this::freePending);
        } catch (RejectedExecutionException e) {
            freePending(); // the loop is gone: nothing can use the buffer any more
        }
    }

    /** Idempotent. */
    private void freePending() {
        if (pending.refCnt() > 0) {
            pending.release();
        }
    }
}
