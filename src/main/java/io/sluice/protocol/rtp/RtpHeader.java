package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * RtpHeader reads and rewrites the fixed RTP header of one packet held in a {@link ByteBuf}
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-5.1">RFC 3550 §5.1</a>).
 *
 * <p>The packet starts at the buffer's {@code readerIndex} and ends at its {@code writerIndex}. No
 * method allocates or moves the indexes: they run for every packet of every stream. The plain
 * accessors assume at least {@link #FIXED_HEADER_SIZE} readable bytes (check {@link #isValid} first);
 * {@link #payloadOffset} and {@link #payloadLength} return -1 for a malformed packet instead of
 * throwing, and {@link #validate} explains what is wrong when the caller wants strict parsing.
 */
public final class RtpHeader {

    /** Size of the header without CSRCs and extension. */
    public static final int FIXED_HEADER_SIZE = 12;
    /** The only RTP version in use (RFC 3550 §5.1). */
    public static final int VERSION = 2;

    private RtpHeader() {
    }

    public static int version(ByteBuf p) {
        return p.getUnsignedByte(p.readerIndex()) >> 6;
    }

    public static boolean padding(ByteBuf p) {
        return (p.getByte(p.readerIndex()) & 0x20) != 0;
    }

    public static boolean extension(ByteBuf p) {
        return (p.getByte(p.readerIndex()) & 0x10) != 0;
    }

    public static int csrcCount(ByteBuf p) {
        return p.getByte(p.readerIndex()) & 0x0f;
    }

    /** The i-th contributing source (0-based, below {@link #csrcCount}). */
    public static long csrc(ByteBuf p, int i) {
        return p.getUnsignedInt(p.readerIndex() + FIXED_HEADER_SIZE + 4 * i);
    }

    public static boolean marker(ByteBuf p) {
        return (p.getByte(p.readerIndex() + 1) & 0x80) != 0;
    }

    public static int payloadType(ByteBuf p) {
        return p.getByte(p.readerIndex() + 1) & 0x7f;
    }

    public static int sequenceNumber(ByteBuf p) {
        return p.getUnsignedShort(p.readerIndex() + 2);
    }

    public static long timestamp(ByteBuf p) {
        return p.getUnsignedInt(p.readerIndex() + 4);
    }

    public static long ssrc(ByteBuf p) {
        return p.getUnsignedInt(p.readerIndex() + 8);
    }

    /** The header extension's 16-bit profile identifier (0xBEDE for RFC 8285 one-byte headers), or -1 without extension. */
    public static int extensionProfile(ByteBuf p) {
        if (!extension(p) || headerEnd(p) < 0) {
            return -1;
        }
        return p.getUnsignedShort(p.readerIndex() + FIXED_HEADER_SIZE + 4 * csrcCount(p));
    }

    /**
     * Offset of the payload from {@code readerIndex}, past the CSRC list and the header extension, or -1
     * when the packet is malformed (see {@link #validate}).
     */
    public static int payloadOffset(ByteBuf p) {
        return payloadLength(p) < 0 ? -1 : headerEnd(p);
    }

    /** Length of the payload without padding, or -1 when the packet is malformed (see {@link #validate}). */
    public static int payloadLength(ByteBuf p) {
        int size = p.readableBytes();
        int start = headerEnd(p);
        if (start < 0 || version(p) != VERSION) {
            return -1;
        }
        int pad = 0;
        if (padding(p)) {
            // the last octet counts itself, so 0 is invalid (RFC 3550 §5.1 "P")
            pad = p.getUnsignedByte(p.writerIndex() - 1);
            if (pad == 0) {
                return -1;
            }
        }
        int len = size - start - pad;
        return len < 0 ? -1 : len;
    }

    /** True when the packet is RTP version 2 and its CSRC list, extension and padding fit in it. */
    public static boolean isValid(ByteBuf p) {
        return payloadLength(p) >= 0;
    }

    /**
     * Checks the packet as {@link #isValid} does, naming the first problem.
     *
     * @throws RtpPacketException when the packet is malformed
     */
    public static void validate(ByteBuf p) {
        int size = p.readableBytes();
        if (size < FIXED_HEADER_SIZE) {
            throw new RtpPacketException("RTP packet too short: " + size + " bytes, header needs " + FIXED_HEADER_SIZE);
        }
        if (version(p) != VERSION) {
            throw new RtpPacketException("invalid RTP version " + version(p) + " at offset 0");
        }
        int csrcEnd = FIXED_HEADER_SIZE + 4 * csrcCount(p);
        if (csrcEnd > size) {
            throw new RtpPacketException("RTP CSRC count " + csrcCount(p) + " needs " + csrcEnd + " bytes, packet has " + size);
        }
        if (headerEnd(p) < 0) {
            throw new RtpPacketException("RTP header extension at offset " + csrcEnd + " does not fit in " + size + " bytes");
        }
        if (payloadLength(p) < 0) {
            int pad = p.getUnsignedByte(p.writerIndex() - 1);
            throw new RtpPacketException("invalid RTP padding length " + pad + " at offset " + (size - 1)
                    + " (payload starts at " + headerEnd(p) + ")");
        }
    }

    /**
     * A slice of the payload without padding; it shares the packet's bytes and reference count (no retain).
     *
     * @throws RtpPacketException when the packet is malformed
     */
    public static ByteBuf payload(ByteBuf p) {
        validate(p);
        return p.slice(p.readerIndex() + headerEnd(p), payloadLength(p));
    }

    public static void setMarker(ByteBuf p, boolean marker) {
        int i = p.readerIndex() + 1;
        p.setByte(i, marker ? p.getByte(i) | 0x80 : p.getByte(i) & 0x7f);
    }

    /** Rewrites the payload type in place, keeping the marker bit. */
    public static void setPayloadType(ByteBuf p, int payloadType) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("invalid RTP payload type " + payloadType);
        }
        int i = p.readerIndex() + 1;
        p.setByte(i, (p.getByte(i) & 0x80) | payloadType);
    }

    public static void setSequenceNumber(ByteBuf p, int seq) {
        p.setShort(p.readerIndex() + 2, seq);
    }

    public static void setTimestamp(ByteBuf p, long timestamp) {
        p.setInt(p.readerIndex() + 4, (int) timestamp);
    }

    public static void setSsrc(ByteBuf p, long ssrc) {
        p.setInt(p.readerIndex() + 8, (int) ssrc);
    }

    /** End of CSRCs and extension relative to readerIndex, or -1 when they do not fit. */
    private static int headerEnd(ByteBuf p) {
        int size = p.readableBytes();
        if (size < FIXED_HEADER_SIZE) {
            return -1;
        }
        int off = FIXED_HEADER_SIZE + 4 * csrcCount(p);
        if (extension(p)) {
            if (off + 4 > size) {
                return -1;
            }
            off += 4 + 4 * p.getUnsignedShort(p.readerIndex() + off + 2);
        }
        return off > size ? -1 : off;
    }
}
