package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * RtmpChunkDecoder reassembles the RTMP chunk stream (the bytes after the handshake) into
 * {@link RtmpMessage}s, interleaved across chunk streams in any order.
 *
 * <p>Each message payload is a new buffer from the allocator (not a slice of the input), exactly
 * {@code length} readable bytes; the receiver owns the message and must release it. The payload
 * grows as chunks arrive instead of being allocated at the announced length up front, so that a
 * peer announcing 64 large messages and sending nothing cannot make us reserve 64 × 8 MiB.
 *
 * <p>SET_CHUNK_SIZE and ABORT are applied here (the new chunk size holds for the bytes that follow
 * the message) and still passed on. Byte offsets in exception messages count from the first byte
 * after the handshake. After an {@link RtmpProtocolException} the stream is out of sync; the decoder
 * discards all further input and the connection should be closed.
 *
 * <p>Timestamp rules where implementations disagree: a fmt 3 chunk that starts a new message adds
 * the previous header's timestamp field, which after a fmt 0 header is the absolute timestamp
 * (FFmpeg's and SRS's reading; FFmpeg's muxer relies on it). A fmt 3 chunk carries the 4-byte
 * extended timestamp whenever the last fmt 0/1/2 header on its chunk stream did (spec errata; FFmpeg,
 * OBS and librtmp all send it).
 *
 * <p>Not thread-safe: called only from the connection's thread (event loop or its own thread).
 *
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#53-chunking">RTMP spec §5.3 (chunking)</a>
 */
public final class RtmpChunkDecoder extends ByteToMessageDecoder {
    /** Chunk size in effect until the peer sends SET_CHUNK_SIZE (spec §5.4.1). */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    /**
     * Largest message accepted. The field allows 16 MiB - 1; 8 MiB still holds a 4K keyframe at
     * 50 Mbit/s with one-second GOPs several times over, and bounds what one chunk stream buffers.
     */
    public static final int MAX_MESSAGE_SIZE = 8 * 1024 * 1024;
    /**
     * Largest chunk size accepted. The spec allows 0x7fffffff, but a chunk is buffered whole before
     * it is decoded, so a bigger value only lets a peer make us hold more; 16 MiB covers MAX_MESSAGE_SIZE.
     */
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;
    /** Open chunk streams per connection; real peers use fewer than 10 (control, command, audio, video). */
    public static final int MAX_CHUNK_STREAMS = 64;

    private static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};

    /** What the last header said on one chunk stream, and the message being reassembled there. */
    private static final class ChunkStream {
        long timestamp;
        long timestampField;
        boolean extended;
        int length;
        int typeId;
        int messageStreamId;
        ByteBuf partial;
    }

    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private long bytesReceived;
    private long offset;
    private boolean failed;

    /** A decoder at the start of the chunk stream. */
    public RtmpChunkDecoder() {
        this(0);
    }

    /**
     * A decoder whose {@link #bytesReceived()} starts at {@code bytesBefore}, e.g. the 3073 bytes of
     * the handshake, so that ACK sequence numbers count the whole connection as peers expect.
     */
    public RtmpChunkDecoder(long bytesBefore) {
        this.bytesReceived = bytesBefore;
    }

    /** The chunk size the peer currently uses. */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * Bytes decoded so far (plus the constructor's {@code bytesBefore}), for ACKs (spec §5.4.3).
     * A trailing partial chunk is not counted until it completes.
     */
    public long bytesReceived() {
        return bytesReceived;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws RtmpProtocolException {
        readMessages(ctx.alloc(), in, out);
    }

    /**
     * Decodes every whole chunk in {@code in}, adding completed messages to {@code out}; a trailing
     * partial chunk is left unread. Usable without a pipeline (e.g. a blocking connection).
     *
     * @throws RtmpProtocolException on malformed input or a limit violation
     */
    public void readMessages(ByteBufAllocator alloc, ByteBuf in, List<? super RtmpMessage> out)
            throws RtmpProtocolException {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            while (readChunk(alloc, in, out)) {
                // one chunk per iteration
            }
        } catch (RtmpProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            releasePartials();
            throw e;
        }
    }

    /** Reads one chunk if all of it is readable; returns false (consuming nothing) otherwise. */
    private boolean readChunk(ByteBufAllocator alloc, ByteBuf in, List<? super RtmpMessage> out)
            throws RtmpProtocolException {
        int start = in.readerIndex();
        int avail = in.readableBytes();
        if (avail < 1) {
            return false;
        }
        int b0 = in.getUnsignedByte(start);
        int fmt = b0 >>> 6;
        int csid = b0 & 0x3f;
        int pos = 1;
        if (csid == 0) {
            if (avail < 2) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(start + 1);
            pos = 2;
        } else if (csid == 1) {
            if (avail < 3) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(start + 1) + 256 * in.getUnsignedByte(start + 2);
            pos = 3;
        }
        int headerEnd = pos + MESSAGE_HEADER_LENGTH[fmt];
        if (avail < headerEnd) {
            return false;
        }
        ChunkStream cs = streams.get(csid);
        if (cs == null) {
            if (fmt != 0) {
                throw new RtmpProtocolException("chunk type " + fmt + " on chunk stream " + csid
                        + " that has no previous header, at offset " + offset);
            }
            if (streams.size() >= MAX_CHUNK_STREAMS) {
                throw new RtmpProtocolException("chunk stream " + csid + " at offset " + offset + " exceeds "
                        + MAX_CHUNK_STREAMS + " open chunk streams");
            }
        }
        boolean newMessage = cs == null || cs.partial == null;
        if (!newMessage && fmt != 3) {
            throw new RtmpProtocolException("chunk type " + fmt + " on chunk stream " + csid + " at offset "
                    + offset + " interrupts a message (" + cs.partial.writerIndex() + " of " + cs.length
                    + " bytes received), expected type 3");
        }
        long field = fmt <= 2 ? in.getUnsignedMedium(start + pos) : 0;
        int length = fmt <= 1 ? in.getUnsignedMedium(start + pos + 3) : cs.length;
        if (length > MAX_MESSAGE_SIZE) {
            throw new RtmpProtocolException("message length " + length + " on chunk stream " + csid
                    + " at offset " + offset + " exceeds " + MAX_MESSAGE_SIZE, true);
        }
        boolean extended = fmt <= 2 ? field == 0xFFFFFF : cs.extended;
        if (extended) {
            if (avail < headerEnd + 4) {
                return false;
            }
            if (fmt <= 2) {
                field = in.getUnsignedInt(start + headerEnd);
            }
            headerEnd += 4;
        }
        int remaining = newMessage ? length : length - cs.partial.writerIndex();
        int dataLength = Math.min(remaining, chunkSize);
        if (avail < headerEnd + dataLength) {
            return false;
        }

        if (cs == null) {
            cs = new ChunkStream();
            streams.put(csid, cs);
        }
        switch (fmt) {
            case 0 -> {
                cs.timestamp = field;
                cs.messageStreamId = in.getIntLE(start + pos + 7);
            }
            case 1, 2 -> cs.timestamp = (cs.timestamp + field) & 0xFFFFFFFFL;
            default -> {
                if (newMessage) {
                    cs.timestamp = (cs.timestamp + cs.timestampField) & 0xFFFFFFFFL;
                }
            }
        }
        if (fmt <= 2) {
            cs.timestampField = field;
            cs.extended = extended;
        }
        if (fmt <= 1) {
            cs.length = length;
            cs.typeId = in.getUnsignedByte(start + pos + 6);
        }
        long chunkOffset = offset;
        in.skipBytes(headerEnd);
        if (newMessage) {
            cs.partial = alloc.buffer(dataLength, Math.max(length, 1));
        }
        cs.partial.writeBytes(in, dataLength);
        offset += headerEnd + dataLength;
        bytesReceived += headerEnd + dataLength;
        if (cs.partial.writerIndex() == length) {
            RtmpMessage m = new RtmpMessage(csid, cs.typeId, cs.timestamp, cs.messageStreamId, cs.partial);
            cs.partial = null;
            applyControl(m, chunkOffset);
            out.add(m);
        }
        return true;
    }

    private void applyControl(RtmpMessage m, long chunkOffset) throws RtmpProtocolException {
        if (m.typeId() != RtmpMessageType.SET_CHUNK_SIZE && m.typeId() != RtmpMessageType.ABORT) {
            return;
        }
        ByteBuf p = m.payload();
        if (p.readableBytes() < 4) {
            m.release();
            throw new RtmpProtocolException(RtmpMessageType.name(m.typeId()) + " payload of " + p.readableBytes()
                    + " bytes in chunk at offset " + chunkOffset + ", expected 4");
        }
        long value = p.getUnsignedInt(p.readerIndex());
        if (m.typeId() == RtmpMessageType.ABORT) {
            ChunkStream cs = streams.get((int) Math.min(value, Integer.MAX_VALUE));
            if (cs != null && cs.partial != null) {
                cs.partial.release();
                cs.partial = null;
            }
            return;
        }
        if (value < 1 || value > MAX_CHUNK_SIZE) {
            m.release();
            throw new RtmpProtocolException("chunk size " + value + " in chunk at offset " + chunkOffset
                    + " out of range 1.." + MAX_CHUNK_SIZE);
        }
        chunkSize = (int) value;
    }

    private void releasePartials() {
        for (ChunkStream cs : streams.values()) {
            if (cs.partial != null) {
                cs.partial.release();
                cs.partial = null;
            }
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePartials();
    }
}
