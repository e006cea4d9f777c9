package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.function.Consumer;

/**
 * TsPacketReader cuts a byte stream into 188-byte transport packets, whatever the chunking: SRT
 * delivers 7 whole packets per datagram, but a file, a pipe or a broken sender may not, so a packet
 * that straddles two chunks is carried over. On loss of sync (a byte that is not 0x47 where a packet
 * should start) it reports one problem and resyncs at the next 0x47 that is followed by another one
 * 188 bytes later, so that a 0x47 inside the garbage is not taken for a packet start.
 *
 * <p>Packets inside a chunk are handed out in place, without a copy. Not thread-safe: one thread feeds it.
 */
final class TsPacketReader {

    /** Receives one packet: 188 bytes of {@code buf} from absolute index {@code at}, valid during the call only. */
    @FunctionalInterface
    interface PacketHandler {
        void packet(ByteBuf buf, int at);
    }

    private final Consumer<String> problems;
    private final byte[] carry = new byte[TsPacket.SIZE];
    private final ByteBuf carryBuf = Unpooled.wrappedBuffer(carry);
    private int carried;
    /** Bytes consumed so far, for the position in messages. */
    private long position;
    private boolean inSync = true;

    TsPacketReader(Consumer<String> problems) {
        this.problems = problems;
    }

    /** Cuts {@code data} (readable bytes; indexes not moved, never retained) into packets. */
    void feed(ByteBuf data, PacketHandler handler) {
        int i = data.readerIndex();
        int end = data.writerIndex();
        if (carried > 0) {
            int n = Math.min(TsPacket.SIZE - carried, end - i);
            data.getBytes(i, carry, carried, n);
            carried += n;
            i += n;
            if (carried < TsPacket.SIZE) {
                position += n;
                return;
            }
            carried = 0;
            handler.packet(carryBuf, 0);
        }
        while (i < end) {
            if (data.getUnsignedByte(i) != TsPacket.SYNC_BYTE || (!inSync && !confirmed(data, i, end))) {
                if (inSync) {
                    inSync = false;
                    problems.accept("lost MPEG-TS sync at byte " + (position + i - data.readerIndex()) + ": 0x"
                            + Integer.toHexString(data.getUnsignedByte(i)) + " instead of 0x47; skipping to the next packet");
                }
                i++;
                continue;
            }
            inSync = true;
            if (end - i < TsPacket.SIZE) {
                carried = end - i;
                data.getBytes(i, carry, 0, carried);
                break;
            }
            handler.packet(data, i);
            i += TsPacket.SIZE;
        }
        position += end - data.readerIndex();
    }

    /** While resyncing: whether the 0x47 at {@code i} is followed by one 188 bytes later, when that byte is here. */
    private static boolean confirmed(ByteBuf data, int i, int end) {
        return i + TsPacket.SIZE >= end || data.getUnsignedByte(i + TsPacket.SIZE) == TsPacket.SYNC_BYTE;
    }
}
