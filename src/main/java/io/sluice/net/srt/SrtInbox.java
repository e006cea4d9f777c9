package io.sluice.net.srt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * SrtInbox carries what an SRT socket receives from the thread that waits in libsrt's receive to an event
 * loop, in batches: one wake-up of the loop per batch, not per message, and the stream is written there, so
 * the RTSP/RTMP readers and forward targets on that loop get units inline. Used by an accepted publisher
 * (server/srt) and a pulled SRT source (source/srt) alike.
 *
 * <p>The inbox is bounded ({@link #MAX_INBOX}): a loop that stalls must not let the receiving thread fill the
 * heap; beyond it, messages are dropped, counted and logged.
 *
 * <p>Threads: {@link #receive} on the receiving (platform) thread; the {@link Handler} and {@link #finish} on
 * the loop.
 */
public final class SrtInbox {
    /** How often the receive wait wakes up to check the read timeout and the stop flag. */
    public static final int RECEIVE_WAKE_MS = 250;
    /** Most messages waiting for the event loop (~5 MB). */
    public static final int MAX_INBOX = 4096;

    /** Handler takes the received messages on the loop. */
    public interface Handler {
        /** One message; the inbox releases {@code data} after the call. */
        void onMessage(ByteBuf data, long receivedNanos);

        /** The end of one batch: let the stream's readers flush. */
        void batchEnd();
    }

    private record Message(ByteBuf data, long receivedNanos) {
    }

    private final String tag;
    private final EventLoop loop;
    private final Handler handler;
    private final Logger log;
    private final Queue<Message> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicInteger size = new AtomicInteger();
    private long dropped;

    /** @param tag who receives, for the log (e.g. "[srtConn 1.2.3.4:5] publisher of 'cam'") */
    public SrtInbox(String tag, EventLoop loop, Handler handler, Logger log) {
        this.tag = tag;
        this.loop = loop;
        this.handler = handler;
        this.log = log;
    }

    /**
     * Receives until {@code stopped} says so, or nothing came for {@code readTimeout}.
     *
     * @return true when it ended on the read timeout, false when stopped
     * @throws SrtException when the connection broke or the socket was closed
     */
    public boolean receive(SrtSocket socket, Duration readTimeout, BooleanSupplier stopped) throws SrtException {
        byte[] buf = new byte[SrtSocket.MAX_PAYLOAD];
        socket.receiveTimeoutMs(RECEIVE_WAKE_MS);
        long timeout = readTimeout.toNanos();
        long last = System.nanoTime();
        while (!stopped.getAsBoolean()) {
            int n = socket.receive(buf);
            long now = System.nanoTime();
            if (n == 0) {
                if (now - last > timeout) {
                    return true;
                }
                continue;
            }
            last = now;
            if (size.get() >= MAX_INBOX) {
                if (dropped++ % 1000 == 0) {
                    log.warn("{}: event loop behind, {} SRT messages dropped", tag, dropped);
                }
                continue;
            }
            ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(n);
            b.writeBytes(buf, 0, n);
            inbox.add(new Message(b, now));
            size.incrementAndGet();
            if (drainScheduled.compareAndSet(false, true)) {
                loop.execute(this::drain);
            }
        }
        return false;
    }

    /** On the loop: hands what arrived to the handler, then ends the batch. */
    private void drain() {
        drainScheduled.set(false);
        Message m;
        while ((m = inbox.poll()) != null) {
            size.decrementAndGet();
            try {
                handler.onMessage(m.data(), m.receivedNanos());
            } finally {
                m.data().release();
            }
        }
        handler.batchEnd();
    }

    /**
     * Once {@link #receive} returned: runs {@code end} on the loop after the messages still waiting, or on
     * the calling thread when the loop is gone (nothing else touches the handler then, and what waits is
     * released).
     */
    public void finish(Runnable end) {
        try {
            loop.execute(() -> {
                drain();
                end.run();
            });
        } catch (RejectedExecutionException e) {
            Message m;
            while ((m = inbox.poll()) != null) {
                m.data().release();
            }
            end.run();
        }
    }
}
