package io.sluice.net.rtmp;

import io.netty.channel.Channel;
import io.sluice.protocol.rtmp.RtmpFromStream;
import io.sluice.protocol.rtmp.RtmpMessage;
import io.sluice.stream.ReaderQueue;
import io.sluice.stream.StreamDesc;
import io.sluice.stream.Unit;
import java.util.function.Consumer;

/**
 * RtmpStreamWriter is the reader-queue sink that writes a stream to an RTMP connection through
 * {@link RtmpFromStream}: used as is by local RTMP readers (play) and RTMP forward targets (publish).
 *
 * <p>Messages are written without flushing; the queue flushes once per publisher read batch, so a
 * burst of chunks leaves in one write (TCP relays are only fast when they write in batches).
 * Called only on the channel's event loop.
 *
 * <p>It lives in {@code net/} beside the SRT and WebRTC writers because it writes to a channel it was
 * given; {@code protocol/rtmp} keeps the pure mapping. Unlike them it does not own its queue: the RTMP
 * connection and the RTMP target each build the {@link ReaderQueue} around it, since both send the
 * mapper's metadata first and attach at a moment of their own command exchange.
 */
public final class RtmpStreamWriter implements ReaderQueue.Sink {
    private final Channel ch;
    private final RtmpFromStream mapper;
    private final Consumer<RtmpMessage> write;
    private long messages;

    public RtmpStreamWriter(Channel ch, StreamDesc desc, int messageStreamId) {
        this.ch = ch;
        this.mapper = new RtmpFromStream(desc, messageStreamId);
        this.write = m -> {
            messages++;
            ch.write(m, ch.voidPromise());
        };
    }

    /** The mapper, to report tracks and send the metadata first. */
    public RtmpFromStream mapper() {
        return mapper;
    }

    /** FLV messages written so far. */
    public long messages() {
        return messages;
    }

    @Override
    public boolean isWritable() {
        return ch.isWritable();
    }

    @Override
    public void write(Unit unit) {
        mapper.onUnit(unit, ch.alloc(), write);
    }

    @Override
    public void flush() {
        ch.flush();
    }
}
