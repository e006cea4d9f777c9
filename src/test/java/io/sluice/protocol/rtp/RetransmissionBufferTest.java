package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetransmissionBufferTest {

    private final TrackingAllocator alloc = new TrackingAllocator();

    private ByteBuf packet(int seq) {
        ByteBuf p = alloc.buffer(16);
        p.writeByte(0x80).writeByte(96).writeShort(seq).writeInt(seq * 3000).writeInt(0x1234).writeInt(seq);
        return p;
    }

    /** Sends a packet as a caller does: store, write out (moving the indexes), release. */
    private void send(RetransmissionBuffer buf, int seq) {
        ByteBuf p = packet(seq);
        buf.sent(p);
        p.skipBytes(p.readableBytes());
        p.release();
    }

    @Test
    void returnsTheSentBytesUntilOverwritten() {
        RetransmissionBuffer buf = new RetransmissionBuffer(4);
        for (int seq = 65533; seq <= 65533 + 5; seq++) {
            send(buf, seq & 0xffff);
        }
        // held: 65535, 0, 1, 2 (65533 and 65534 were overwritten by 1 and 2)
        assertThat(buf.get(65533)).isNull();
        assertThat(buf.get(3)).isNull();
        ByteBuf again = buf.get(0);
        ByteBuf expected = packet(0);
        assertThat(ByteBufUtil.equals(again, expected)).isTrue();
        again.release();
        expected.release();
        ByteBuf wrapped = buf.get(65535);
        assertThat(RtpHeader.sequenceNumber(wrapped)).isEqualTo(65535);
        wrapped.release();
        assertThat(buf.retransmitted()).isEqualTo(2);
        assertThat(buf.missed()).isEqualTo(2);
        // the two overwritten packets are already free
        assertThat(alloc.allocated.subList(0, 2)).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        buf.close();
        buf.close();
        alloc.assertAllReleased();
    }

    @Test
    void aPacketStillOutstandingSurvivesClose() {
        RetransmissionBuffer buf = new RetransmissionBuffer();
        send(buf, 7);
        ByteBuf out = buf.get(7);
        buf.close();
        assertThat(out.refCnt()).isEqualTo(1);
        out.release();
        alloc.assertAllReleased();
        ByteBuf late = packet(8);
        assertThatThrownBy(() -> buf.sent(late)).isInstanceOf(IllegalStateException.class);
        late.release();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 100, -4, 1 << 16})
    void slotsMustBeAPowerOfTwo(int slots) {
        assertThatThrownBy(() -> new RetransmissionBuffer(slots)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(slots));
    }
}
