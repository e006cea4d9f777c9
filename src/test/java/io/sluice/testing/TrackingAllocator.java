package io.sluice.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * TrackingAllocator records every buffer it allocates (unpooled heap buffers), so that a unit test or a fuzz
 * target can fail on a leak at once: Netty's leak detector reports only at GC time, long after the input.
 * Test-only.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
    /** Every buffer allocated, in order. */
    public final List<ByteBuf> allocated = new ArrayList<>();

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
        allocated.add(b);
        return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** Throws naming the first buffer that is still referenced. */
    public void assertAllReleased() {
        for (int i = 0; i < allocated.size(); i++) {
            ByteBuf b = allocated.get(i);
            if (b.refCnt() != 0) {
                throw new AssertionError("leaked buffer " + i + " of " + allocated.size() + ": refCnt " + b.refCnt()
                        + ", " + b.writerIndex() + " bytes");
            }
        }
    }
}
