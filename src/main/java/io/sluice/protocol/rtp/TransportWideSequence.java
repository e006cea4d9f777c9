package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * TransportWideSequence writes the transport-wide sequence number header extension
 * (<a href="https://datatracker.ietf.org/doc/html/draft-holmer-rmcat-transport-wide-cc-extensions-01#section-2">draft-holmer-rmcat-transport-wide-cc-extensions-01 §2</a>)
 * into an outgoing RTP packet while copying it: one RFC 8285 one-byte-header element (id, length 2,
 * the 16-bit number) in a 0xBEDE block of one word. The receiver's transport-cc feedback then says which
 * of these numbers arrived and when, which is what a sender's estimate is made of.
 *
 * <p>Only packets without a header extension get one: Sluice's writers rebuild every header without
 * one, and merging into a foreign block is not worth its cost here. Pure and stateless.
 */
public final class TransportWideSequence {
    /** Bytes the extension adds: the 4-byte block header and one 4-byte word (3 bytes of element, 1 of padding). */
    public static final int EXTRA_BYTES = 8;
    private static final int ONE_BYTE_PROFILE = 0xBEDE;

    private TransportWideSequence() {
    }

    /**
     * Copies {@code packet} (reader to writer index, unchanged) into {@code dst} from index 0 with the
     * extension carrying {@code seq} after the fixed header and CSRCs.
     *
     * @param dst at least the packet's length plus {@link #EXTRA_BYTES}
     * @param extId the negotiated one-byte-header id, 1..14
     * @return the new length, or -1 (nothing copied) when the packet already has an extension or is
     *     shorter than its header
     * @throws IllegalArgumentException when {@code extId} or {@code seq} is out of range, or {@code dst} is too small
     */
    public static int copyWith(ByteBuf packet, byte[] dst, int extId, int seq) {
        if (extId < 1 || extId > 14) {
            throw new IllegalArgumentException("invalid one-byte header extension id " + extId + ", expected 1..14");
        }
        if (seq < 0 || seq > 0xffff) {
            throw new IllegalArgumentException("invalid transport-wide sequence number " + seq);
        }
        int at = packet.readerIndex();
        int len = packet.readableBytes();
        if (dst.length < len + EXTRA_BYTES) {
            throw new IllegalArgumentException("buffer of " + dst.length + " bytes for a " + len + "-byte packet");
        }
        if (len < RtpHeader.FIXED_HEADER_SIZE) {
            return -1;
        }
        int b0 = packet.getUnsignedByte(at);
        int header = RtpHeader.FIXED_HEADER_SIZE + 4 * (b0 & 0x0f);
        if ((b0 & 0x10) != 0 || len < header) {
            return -1;
        }
        packet.getBytes(at, dst, 0, header);
        dst[0] = (byte) (b0 | 0x10);
        dst[header] = (byte) (ONE_BYTE_PROFILE >> 8);
        dst[header + 1] = (byte) ONE_BYTE_PROFILE;
        dst[header + 2] = 0;
        dst[header + 3] = 1; // one 32-bit word of elements
        dst[header + 4] = (byte) (extId << 4 | 1); // L = length - 1
        dst[header + 5] = (byte) (seq >> 8);
        dst[header + 6] = (byte) seq;
        dst[header + 7] = 0; // padding
        packet.getBytes(at + header, dst, header + EXTRA_BYTES, len - header);
        return len + EXTRA_BYTES;
    }
}
