package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.HashMap;
import java.util.Map;

/**
 * RtmpChunkEncoder splits {@link RtmpMessage}s into chunks of the current outbound chunk size, with
 * the header compression of spec §5.3.1.2: fmt 1 when only the message stream repeats, fmt 2 when
 * length and type repeat too, fmt 3 when the timestamp delta also repeats, fmt 3 for continuation
 * chunks.
 *
 * <p>Encoding a SET_CHUNK_SIZE message switches the chunk size for the messages after it, so callers
 * just write {@link RtmpMessage#setChunkSize(int)}. As a Netty handler it releases every message it
 * writes; {@link #write(RtmpMessage, ByteBuf)} does not.
 *
 * <p>It never starts a message with fmt 3 right after a fmt 0 header: decoders disagree on what the
 * delta is then (FFmpeg and SRS add the fmt 0 timestamp again, nginx-rtmp adds nothing), so it sends
 * fmt 2 with the explicit delta instead. Timestamps that go backwards or wrap get a fmt 0 header.
 *
 * <p>Not thread-safe: called only from the connection's thread.
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#53-chunking">RTMP spec §5.3 (chunking)</a>
 */
public final class RtmpChunkEncoder extends MessageToByteEncoder<RtmpMessage> {
    /** Largest message the 24-bit length field can describe. */
    public static final int MAX_MESSAGE_SIZE = 0xFFFFFF;

    /** What the last header said on one chunk stream. */
    private static final class LastHeader {
        int messageStreamId;
        int length;
        int typeId;
        long timestamp;
        long timestampField;
        boolean extended;
        int fmt;
    }

    private final Map<Integer, LastHeader> streams = new HashMap<>();
    private int chunkSize = RtmpChunkDecoder.DEFAULT_CHUNK_SIZE;

    public RtmpChunkEncoder() {
        super(RtmpMessage.class);
    }

    /** The chunk size used for the next message. */
    public int chunkSize() {
        return chunkSize;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, RtmpMessage msg, boolean preferDirect) {
        int len = msg.payload().readableBytes();
        int chunks = Math.max(1, (len + chunkSize - 1) / chunkSize);
        int estimate = len + 18 + (chunks - 1) * 7;
        return preferDirect ? ctx.alloc().ioBuffer(estimate) : ctx.alloc().heapBuffer(estimate);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, ByteBuf out) {
        write(msg, out);
    }

    /**
     * Appends the chunks of {@code msg} to {@code out}, leaving the message's payload and reference
     * count untouched. Usable without a pipeline.
     *
     * @throws IllegalArgumentException if the payload is longer than {@link #MAX_MESSAGE_SIZE} or a
     *                                  SET_CHUNK_SIZE payload is not a size in 1..0x7fffffff
     */
    public void write(RtmpMessage msg, ByteBuf out) {
        ByteBuf payload = msg.payload();
        int length = payload.readableBytes();
        if (length > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("message length " + length + " exceeds " + MAX_MESSAGE_SIZE);
        }
        int newChunkSize = chunkSize;
        if (msg.typeId() == RtmpMessageType.SET_CHUNK_SIZE) {
            if (length < 4 || payload.getInt(payload.readerIndex()) < 1) {
                throw new IllegalArgumentException("SET_CHUNK_SIZE payload must be a size in 1..0x7fffffff");
            }
            newChunkSize = payload.getInt(payload.readerIndex());
        }
        int csid = msg.chunkStreamId();
        long ts = msg.timestamp();
        LastHeader last = streams.get(csid);
        int fmt;
        long field;
        if (last == null || last.messageStreamId != msg.messageStreamId() || ts < last.timestamp) {
            fmt = 0;
            field = ts;
        } else {
            field = ts - last.timestamp;
            if (length != last.length || msg.typeId() != last.typeId) {
                fmt = 1;
            } else if (field != last.timestampField || last.fmt == 0) {
                fmt = 2;
            } else {
                fmt = 3;
            }
        }
        if (last == null) {
            last = new LastHeader();
            streams.put(csid, last);
        }
        boolean extended = fmt <= 2 ? field >= 0xFFFFFF : last.extended;
        writeBasicHeader(out, fmt, csid);
        if (fmt <= 2) {
            out.writeMedium((int) Math.min(field, 0xFFFFFF));
        }
        if (fmt <= 1) {
            out.writeMedium(length);
            out.writeByte(msg.typeId());
        }
        if (fmt == 0) {
            out.writeIntLE(msg.messageStreamId());
        }
        long extendedValue = fmt <= 2 ? field : last.timestampField;
        if (extended) {
            out.writeInt((int) extendedValue);
        }
        int index = payload.readerIndex();
        int end = index + length;
        int n = Math.min(chunkSize, length);
        out.writeBytes(payload, index, n);
        index += n;
        while (index < end) {
            writeBasicHeader(out, 3, csid);
            if (extended) {
                out.writeInt((int) extendedValue);
            }
            n = Math.min(chunkSize, end - index);
            out.writeBytes(payload, index, n);
            index += n;
        }
        last.messageStreamId = msg.messageStreamId();
        last.length = length;
        last.typeId = msg.typeId();
        last.timestamp = ts;
        if (fmt <= 2) {
            last.timestampField = field;
            last.extended = extended;
        }
        last.fmt = fmt;
        chunkSize = newChunkSize;
    }

    private static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        if (csid < 64) {
            out.writeByte(fmt << 6 | csid);
        } else if (csid < 320) {
            out.writeByte(fmt << 6);
            out.writeByte(csid - 64);
        } else {
            out.writeByte(fmt << 6 | 1);
            out.writeByte((csid - 64) & 0xff);
            out.writeByte((csid - 64) >>> 8);
        }
    }
}
