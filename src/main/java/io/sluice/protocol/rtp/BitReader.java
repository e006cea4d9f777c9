package io.sluice.protocol.rtp;

/**
 * BitReader reads big-endian bit fields and Exp-Golomb codes (H.264 §9.1) from codec configuration
 * bytes; running past the end is an {@link RtpFormatException} naming what was being read.
 */
final class BitReader {

    private final byte[] data;
    private final String what;
    private int pos; // in bits

    BitReader(byte[] data, String what) {
        this.data = data;
        this.what = what;
    }

    int position() {
        return pos;
    }

    int bitsLeft() {
        return data.length * 8 - pos;
    }

    boolean readFlag() {
        return readBits(1) == 1;
    }

    /** Reads up to 32 bits as an unsigned value. */
    long readBits(int n) {
        if (n > bitsLeft()) {
            throw new RtpFormatException(what + " truncated: needs " + n + " bits at bit " + pos + " of " + data.length * 8);
        }
        long v = 0;
        for (int i = 0; i < n; i++, pos++) {
            v = (v << 1) | ((data[pos >> 3] >> (7 - (pos & 7))) & 1);
        }
        return v;
    }

    int readInt(int n) {
        return (int) readBits(n);
    }

    void skip(int n) {
        if (n > bitsLeft()) {
            throw new RtpFormatException(what + " truncated: skips " + n + " bits at bit " + pos);
        }
        pos += n;
    }

    /** Unsigned Exp-Golomb ue(v); values beyond 2^31-2 are rejected as garbage. */
    int readUe() {
        int zeros = 0;
        while (!readFlag()) {
            if (++zeros > 31) {
                throw new RtpFormatException(what + ": Exp-Golomb code longer than 32 bits at bit " + pos);
            }
        }
        long v = (1L << zeros) - 1 + readBits(zeros);
        if (v > Integer.MAX_VALUE - 1) {
            throw new RtpFormatException(what + ": Exp-Golomb value " + v + " too large at bit " + pos);
        }
        return (int) v;
    }

    /** Signed Exp-Golomb se(v). */
    int readSe() {
        int k = readUe();
        return (k & 1) != 0 ? (k + 1) / 2 : -(k / 2);
    }

    /** Copies bits [from, to) into bytes, zero-padded at the end. */
    byte[] copyBits(int from, int to) {
        byte[] out = new byte[(to - from + 7) / 8];
        for (int i = from; i < to; i++) {
            if (((data[i >> 3] >> (7 - (i & 7))) & 1) != 0) {
                int o = i - from;
                out[o >> 3] |= (byte) (0x80 >> (o & 7));
            }
        }
        return out;
    }
}
