package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;

/**
 * Crc32Mpeg is the CRC-32/MPEG-2 that ends every PSI section (PAT, PMT): polynomial 0x04C11DB7, not
 * reflected, initial value 0xFFFFFFFF, no final XOR. (java.util.zip.CRC32 is the reflected variant
 * and gives other values.) A section including its own CRC checks to 0.
 */
public final class Crc32Mpeg {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 24;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            TABLE[i] = c;
        }
    }

    private Crc32Mpeg() {
    }

    /** CRC of {@code len} bytes of {@code buf} from absolute index {@code from}; indexes are not moved. */
    public static int of(ByteBuf buf, int from, int len) {
        int crc = 0xFFFFFFFF;
        for (int i = from; i < from + len; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ buf.getUnsignedByte(i)) & 0xff];
        }
        return crc;
    }

    /** CRC of a byte array range. */
    public static int of(byte[] b, int from, int len) {
        int crc = 0xFFFFFFFF;
        for (int i = from; i < from + len; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b[i]) & 0xff];
        }
        return crc;
    }
}
