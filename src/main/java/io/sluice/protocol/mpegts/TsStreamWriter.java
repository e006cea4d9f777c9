package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.Unit;
import java.io.IOException;

/**
 * TsStreamWriter is the reader-queue sink that writes a stream as MPEG-TS to a message transport
 * (SRT live mode) through {@link TsFromStream}: used as is by local SRT readers and srt:// forward
 * targets, so both behave the same.
 *
 * <p>TS packets go out in payloads of up to {@link #PAYLOAD_SIZE} bytes (7 × 188, what every SRT
 * peer expects). Full payloads leave as soon as they fill; the rest of a batch leaves on
 * {@link #flush()}, once per publisher read batch, so a frame never waits for the next one.
 *
 * <p>When the transport's buffer is full, the unsent bytes wait here, {@link #isWritable()} turns
 * false (the reader queue then holds, and past its bound drops, further units) and the owner is told
 * through {@code onBlocked} so it can {@link #retry()} later. Called only on the reader's loop.
 */
public final class TsStreamWriter implements ReaderQueue.Sink, AutoCloseable {
    /** Seven TS packets: the payload size of SRT live mode. */
    public static final int PAYLOAD_SIZE = 7 * 188;

    /** A message transport: SRT's live-mode send. */
    @FunctionalInterface
    public interface PayloadSender {
        /**
         * Sends one message of {@code length} bytes at {@code index} (indexes unchanged).
         *
         * @return false when the transport's buffer is full and nothing was sent
         * @throws IOException when the connection is broken
         */
        boolean send(ByteBuf buf, int index, int length) throws IOException;
    }

    private final TsFromStream mapper;
    private final PayloadSender out;
    private final Runnable onBlocked;
    private final ByteBuf pending;
    private boolean blocked;
    private IOException failure;
    private long payloads;
    private long bytes;

    /**
     * @param onBlocked called (on the loop) when a send found the transport full
     */
    public TsStreamWriter(StreamDesc desc, ByteBufAllocator alloc, PayloadSender out, Runnable onBlocked) {
        this.mapper = new TsFromStream(desc);
        this.out = out;
        this.onBlocked = onBlocked;
        this.pending = alloc.buffer(4 * PAYLOAD_SIZE);
    }

    /** The mapper, to report carried and skipped tracks. */
    public TsFromStream mapper() {
        return mapper;
    }

    @Override
    public boolean isWritable() {
        return !blocked && failure == null;
    }

    @Override
    public void write(Unit unit) {
        if (failure != null) {
            return;
        }
        mapper.onUnit(unit, pending);
        send(false);
    }

    @Override
    public void flush() {
        send(true);
    }

    /** Tries the bytes that waited for buffer space; true when none wait any more. */
    public boolean retry() {
        blocked = false;
        send(true);
        return !blocked;
    }

    /** The send error that ended this writer, or null. */
    public IOException failure() {
        return failure;
    }

    /** Payloads handed to the transport. */
    public long payloads() {
        return payloads;
    }

    /** TS bytes handed to the transport. */
    public long bytes() {
        return bytes;
    }

    private void send(boolean partialToo) {
        while (!blocked && failure == null && pending.isReadable()) {
            int n = Math.min(PAYLOAD_SIZE, pending.readableBytes());
            if (n < PAYLOAD_SIZE && !partialToo) {
                break;
            }
            try {
                if (!out.send(pending, pending.readerIndex(), n)) {
                    blocked = true;
                    onBlocked.run();
                    break;
                }
            } catch (IOException e) {
                failure = e;
                pending.clear();
                return;
            }
            pending.skipBytes(n);
            payloads++;
            bytes += n;
        }
        if (!pending.isReadable()) {
            pending.clear();
        } else if (pending.readerIndex() > 8 * PAYLOAD_SIZE) {
            pending.discardReadBytes();
        }
    }

    /** Releases the bytes still waiting. Idempotent. */
    @Override
    public void close() {
        if (pending.refCnt() > 0) {
            pending.release();
        }
    }
}
