package io.sluice.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * PayloadRefCounted is a protocol message whose reference count is that of its one payload buffer, so that
 * Netty pipelines release it like a {@link ByteBuf}: retaining or releasing the message retains or
 * releases the payload. It replaces the delegation that {@code RtmpMessage} and {@code InterleavedFrame}
 * each wrote out; Netty's {@code DefaultByteBufHolder} does the same for classes, but RtmpMessage is a
 * record, which cannot extend a class.
 *
 * @param <T> the message type, so that {@code retain()} and {@code touch()} return it
 */
public interface PayloadRefCounted<T extends PayloadRefCounted<T>> extends ReferenceCounted {
    /** The buffer whose count is this message's. */
    ByteBuf payload();

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    @Override
    default int refCnt() {
        return payload().refCnt();
    }

    @Override
    default T retain() {
        payload().retain();
        return self();
    }

    @Override
    default T retain(int increment) {
        payload().retain(increment);
        return self();
    }

    @Override
    default T touch() {
        payload().touch();
        return self();
    }

    @Override
    default T touch(Object hint) {
        payload().touch(hint);
        return self();
    }

    @Override
    default boolean release() {
        return payload().release();
    }

    @Override
    default boolean release(int decrement) {
        return payload().release(decrement);
    }
}
