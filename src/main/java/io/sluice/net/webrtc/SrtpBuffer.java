package io.sluice.net.webrtc;

import java.util.Arrays;
import org.jitsi.utils.ByteArrayBuffer;

/** A growable byte[] window that jitsi-srtp transforms in place (it appends the auth tag and SRTCP index). */
final class SrtpBuffer implements ByteArrayBuffer {
    private byte[] buf;
    private int offset;
    private int length;

    SrtpBuffer(int capacity) {
        buf = new byte[capacity];
    }

    /** Copies a packet in at offset 0, leaving room for the trailer. */
    void set(byte[] src, int off, int len) {
        if (buf.length < len + 64) {
            buf = new byte[len + 64];
        }
        System.arraycopy(src, off, buf, 0, len);
        offset = 0;
        length = len;
    }

    /** Exposes the array for a read straight into it (offset 0). */
    byte[] array(int minCapacity) {
        if (buf.length < minCapacity) {
            buf = new byte[minCapacity];
        }
        offset = 0;
        return buf;
    }

    @Override
    public byte[] getBuffer() {
        return buf;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int len) {
        length = len;
    }

    @Override
    public void setOffset(int off) {
        offset = off;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
        System.arraycopy(buf, offset + off, out, 0, len);
    }

    @Override
    public void grow(int howMuch) {
        if (offset + length + howMuch > buf.length) {
            buf = Arrays.copyOf(buf, offset + length + howMuch);
        }
    }

    @Override
    public void append(byte[] data, int len) {
        grow(len);
        System.arraycopy(data, 0, buf, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        length = Math.max(0, length - len);
    }
}
