package io.sluice.protocol.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.PayloadRefCounted;

/**
 * RtmpMessage is one reassembled RTMP message: its header fields and its payload.
 *
 * <p>It is reference counted through its payload so that Netty pipelines release it like a
 * {@link ByteBuf}: whoever receives one from {@link RtmpChunkDecoder} owns it and must release it;
 * {@link RtmpChunkEncoder} releases the messages it writes.
 *
 * <p>The static factories build the protocol control messages, which travel on chunk stream 2 and
 * message stream 0 (spec §5.4, §6.2); their payloads are unpooled heap buffers.
 *
 * @param chunkStreamId   chunk stream the message travels on (2..65599)
 * @param typeId          one of {@link RtmpMessageType}
 * @param timestamp       milliseconds, 32-bit unsigned (wraps after ~49.7 days)
 * @param messageStreamId message stream (0 for control and connection-level commands)
 * @param payload         the message body
 * @see <a href="https://rtmp.veriskope.com/docs/spec/#54-protocol-control-messages">RTMP spec §5.4</a>
 */
public record RtmpMessage(int chunkStreamId, int typeId, long timestamp, int messageStreamId, ByteBuf payload)
        implements PayloadRefCounted<RtmpMessage> {
    /** Chunk stream reserved for protocol control messages (spec §5.4). */
    public static final int CONTROL_CHUNK_STREAM = 2;

    /** User control event: stream begin (spec §7.1.7). */
    public static final int EVENT_STREAM_BEGIN = 0;
    /** User control event: stream EOF. */
    public static final int EVENT_STREAM_EOF = 1;
    /** User control event: stream dry. */
    public static final int EVENT_STREAM_DRY = 2;
    /** User control event: the client's buffer length in ms. */
    public static final int EVENT_SET_BUFFER_LENGTH = 3;
    /** User control event: stream is recorded. */
    public static final int EVENT_STREAM_IS_RECORDED = 4;
    /** User control event: ping request (the server asks, the client answers). */
    public static final int EVENT_PING_REQUEST = 6;
    /** User control event: ping response. */
    public static final int EVENT_PING_RESPONSE = 7;

    /** Set peer bandwidth limit type: hard. */
    public static final int LIMIT_HARD = 0;
    /** Set peer bandwidth limit type: soft. */
    public static final int LIMIT_SOFT = 1;
    /** Set peer bandwidth limit type: dynamic. */
    public static final int LIMIT_DYNAMIC = 2;

    public RtmpMessage {
        if (chunkStreamId < 2 || chunkStreamId > 65599) {
            throw new IllegalArgumentException("chunk stream id " + chunkStreamId + " out of range 2..65599");
        }
        if (timestamp < 0 || timestamp > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("timestamp " + timestamp + " out of range 0..2^32-1");
        }
        if (typeId < 0 || typeId > 255) {
            throw new IllegalArgumentException("type id " + typeId + " out of range 0..255");
        }
    }

    /** SET_CHUNK_SIZE: the sender's chunk size for all following chunks (1..0x7fffffff). */
    public static RtmpMessage setChunkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size " + size + " must be at least 1");
        }
        return control(RtmpMessageType.SET_CHUNK_SIZE, Unpooled.buffer(4).writeInt(size));
    }

    /** ABORT: discard the partly received message on {@code chunkStreamId}. */
    public static RtmpMessage abort(int chunkStreamId) {
        return control(RtmpMessageType.ABORT, Unpooled.buffer(4).writeInt(chunkStreamId));
    }

    /** WINDOW_ACK_SIZE: the peer should send an ACK after this many bytes. */
    public static RtmpMessage windowAckSize(long size) {
        return control(RtmpMessageType.WINDOW_ACK_SIZE, Unpooled.buffer(4).writeInt((int) size));
    }

    /** SET_PEER_BANDWIDTH with one of {@link #LIMIT_HARD}, {@link #LIMIT_SOFT}, {@link #LIMIT_DYNAMIC}. */
    public static RtmpMessage setPeerBandwidth(long size, int limitType) {
        return control(RtmpMessageType.SET_PEER_BANDWIDTH,
                Unpooled.buffer(5).writeInt((int) size).writeByte(limitType));
    }

    /** ACK: the total number of bytes received so far (wraps at 2^32). */
    public static RtmpMessage ack(long sequenceNumber) {
        return control(RtmpMessageType.ACK, Unpooled.buffer(4).writeInt((int) sequenceNumber));
    }

    /** USER_CONTROL: a 2-byte event type followed by {@code data}, which this message takes over. */
    public static RtmpMessage userControl(int event, ByteBuf data) {
        ByteBuf p = Unpooled.buffer(2 + data.readableBytes()).writeShort(event).writeBytes(data);
        data.release();
        return control(RtmpMessageType.USER_CONTROL, p);
    }

    /** USER_CONTROL stream begin: tells the client that {@code streamId} is ready. */
    public static RtmpMessage streamBegin(int streamId) {
        return userControl(EVENT_STREAM_BEGIN, Unpooled.buffer(4).writeInt(streamId));
    }

    /** USER_CONTROL ping response echoing the timestamp of the peer's ping request. */
    public static RtmpMessage pingResponse(long timestamp) {
        return userControl(EVENT_PING_RESPONSE, Unpooled.buffer(4).writeInt((int) timestamp));
    }

    private static RtmpMessage control(int type, ByteBuf payload) {
        return new RtmpMessage(CONTROL_CHUNK_STREAM, type, 0, 0, payload);
    }

    /** A message with the same header and another payload (e.g. to re-send on another connection). */
    public RtmpMessage withPayload(ByteBuf newPayload) {
        return new RtmpMessage(chunkStreamId, typeId, timestamp, messageStreamId, newPayload);
    }

    @Override
    public String toString() {
        return "RtmpMessage[csid=" + chunkStreamId + ", type=" + RtmpMessageType.name(typeId) + ", ts=" + timestamp
                + ", msid=" + messageStreamId + ", length=" + payload.readableBytes() + "]";
    }
}
