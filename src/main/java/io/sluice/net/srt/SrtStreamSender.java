package io.sluice.net.srt;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.sluice.protocol.mpegts.TsFromStream;
import io.sluice.protocol.mpegts.TsStreamWriter;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.Stream;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * SrtStreamSender sends a stream as MPEG-TS over a connected SRT socket: the reader queue, the TS
 * writer and the retry when libsrt's send buffer is full. Local SRT readers and srt:// forward targets
 * both use it, so both behave the same.
 *
 * <p>Sends happen on the given event loop (the publisher's, so units are sent inline by the thread
 * that read them). libsrt's send is non-blocking: a full send buffer means the peer stopped
 * acknowledging; the sender then retries every {@link #RETRY_MS} ms and gives up after the write
 * timeout, closing the socket so that whoever waits on it sees the failure.
 */
public final class SrtStreamSender implements AutoCloseable {
    static final long RETRY_MS = 5;

    private final SrtSocket socket;
    private final Stream stream;
    private final EventLoop loop;
    private final long writeTimeoutNanos;
    private final TsStreamWriter writer;
    private final ReaderQueue queue;
    private long blockedSinceNanos;
    private volatile IOException failure;
    private volatile boolean closed;

    /**
     * @param name for logs, e.g. "[forward t0 srt://host:port]"
     */
    public SrtStreamSender(String name, SrtSocket socket, Stream stream, EventLoop loop, int queueCapacity,
            Duration writeTimeout, Logger log) {
        this.socket = socket;
        this.stream = stream;
        this.loop = loop;
        this.writeTimeoutNanos = writeTimeout.toNanos();
        this.writer = new TsStreamWriter(stream.desc(), ByteBufAllocator.DEFAULT,
                (buf, index, length) -> socket.send(buf, index, length) > 0, this::blocked);
        this.queue = new ReaderQueue(name, loop, queueCapacity, stream.keyframeMedia(), true, writer, log);
    }

    /** Which tracks are carried. */
    public TsFromStream mapper() {
        return writer.mapper();
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
        IOException f = failure;
        return f != null ? f : writer.failure();
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
        if (writer.retry()) {
            blockedSinceNanos = 0;
            queue.drain();
        } else if (System.nanoTime() - blockedSinceNanos > writeTimeoutNanos) {
            failure = new IOException("the peer took no data for " + writeTimeoutNanos / 1_000_000
                    + " ms (writeTimeout)");
            socket.close(); // wakes the thread that waits on the socket
        }
        // else: blocked() ran again from inside retry() and scheduled the next attempt
    }

    /** Detaches from the stream and frees the writer's buffer (on the loop). Does not close the socket. */
    @Override
    public void close() {
        closed = true;
        stream.removeReader(queue);
        queue.close();
        try {
            loop.execute(writer::close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            writer.close(); // the loop is gone: nothing can use the writer any more
        }
    }
}
