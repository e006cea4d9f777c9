package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * AnnexB splits an H.264/H.265 byte stream (ITU-T H.264 Annex B, the format MPEG-TS carries video in)
 * into NAL units at its 00 00 01 start codes.
 */
final class AnnexB {

    private AnnexB() {
    }

    /**
     * The NAL units of the readable bytes of {@code b}, as slices that share its memory and its
     * reference count (not retained), without start codes and without the zero bytes before the next
     * start code (trailing_zero_8bits, or the leading zero of a 4-byte start code).
     *
     * @throws TsFormatException when non-zero bytes come before the first start code: the data is not
     *     an access unit that starts at a PES start (a muxer that splits frames across PES)
     */
    static List<ByteBuf> split(ByteBuf b) {
        List<ByteBuf> nalus = new ArrayList<>();
        int end = b.writerIndex();
        int start = -1;
        int i = b.readerIndex();
        while (i + 2 < end) {
            int third = b.getUnsignedByte(i + 2);
            if (third > 1) {
                i += 3; // no start code can begin at i, i+1 or i+2
            } else if (third == 1 && b.getByte(i) == 0 && b.getByte(i + 1) == 0) {
                if (start >= 0) {
                    add(b, start, i, nalus);
                } else if (!allZero(b, b.readerIndex(), i)) {
                    throw new TsFormatException((i - b.readerIndex()) + " bytes before the first start code");
                }
                start = i + 3;
                i += 3;
            } else {
                i++;
            }
        }
        if (start < 0) {
            throw new TsFormatException("no start code in " + b.readableBytes() + " bytes");
        }
        add(b, start, end, nalus);
        return nalus;
    }

    private static void add(ByteBuf b, int from, int to, List<ByteBuf> out) {
        while (to > from && b.getByte(to - 1) == 0) {
            to--;
        }
        if (to > from) {
            out.add(b.slice(from, to - from));
        }
    }

    private static boolean allZero(ByteBuf b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b.getByte(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
