package io.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** LeakReportsTest checks that a buffer lost without release() turns into a report the extension sees. */
class LeakReportsTest {
    @Test
    void aLostBufferIsReportedWithItsRecord() throws Exception {
        LeakReports.provoke();
        LeakReports.get().drain();
        loseABuffer();
        LeakReports.provoke();
        // drained here, so the extension does not fail this test for the leak it made on purpose
        assertThat(LeakReports.get().drain()).singleElement().asString()
                .contains("LEAK:", "ByteBuf.release()", "loseABuffer");
    }

    private static void loseABuffer() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeInt(42);
        b.readInt(); // a recorded access, so the report's record names this method
    }
}
