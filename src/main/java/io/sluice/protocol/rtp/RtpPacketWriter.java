package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.security.SecureRandom;
import java.util.List;
import java.util.Random;

/**
 * RtpPacketWriter starts the packets of one RTP stream: it allocates each one and writes its fixed
 * header with the stream's payload type and SSRC and the next sequence number
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-5.1">RFC 3550 §5.1</a>), so that the
 * packetizers only write payloads.
 *
 * <p>The SSRC and the first sequence number are random by default because RFC 3550 §5.1 and §8 ask
 * for it: a random start makes known-plaintext attacks on encrypted streams harder, and two streams
 * that restart do not collide. They come from one shared {@link SecureRandom}, which is thread-safe.
 * Not thread-safe itself: one instance belongs to the thread that packetizes the stream.
 */
final class RtpPacketWriter {

    private static final Random RANDOM = new SecureRandom();

    private final ByteBufAllocator alloc;
    private final int payloadType;
    private final long ssrc;
    private int nextSequenceNumber;

    RtpPacketWriter(ByteBufAllocator alloc, int payloadType, long ssrc, int firstSequenceNumber) {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("invalid RTP payload type " + payloadType);
        }
        if (ssrc < 0 || ssrc > 0xffff_ffffL) {
            throw new IllegalArgumentException("invalid RTP SSRC " + ssrc);
        }
        this.alloc = alloc;
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.nextSequenceNumber = firstSequenceNumber & 0xffff;
    }

    /** A writer with a random SSRC and a random first sequence number. */
    static RtpPacketWriter random(ByteBufAllocator alloc, int payloadType) {
        return withSsrc(alloc, payloadType, RANDOM.nextInt() & 0xffff_ffffL);
    }

    /** A writer with the given SSRC and a random first sequence number. */
    static RtpPacketWriter withSsrc(ByteBufAllocator alloc, int payloadType, long ssrc) {
        return new RtpPacketWriter(alloc, payloadType, ssrc, RANDOM.nextInt(1 << 16));
    }

    long ssrc() {
        return ssrc;
    }

    /**
     * A new packet of exactly {@code 12 + payloadSize} bytes capacity with its header written and its
     * writerIndex at the payload; the caller writes the payload and owns the buffer.
     *
     * @param timestamp the RTP timestamp; only its low 32 bits are sent, so it may run past 2^32
     */
    ByteBuf start(int payloadSize, long timestamp, boolean marker) {
        ByteBuf p = alloc.buffer(RtpHeader.FIXED_HEADER_SIZE + payloadSize);
        p.writeByte(RtpHeader.VERSION << 6);
        p.writeByte((marker ? 0x80 : 0) | payloadType);
        p.writeShort(nextSequenceNumber);
        p.writeInt((int) timestamp);
        p.writeInt((int) ssrc);
        nextSequenceNumber = (nextSequenceNumber + 1) & 0xffff;
        return p;
    }

    /**
     * Releases the packets made so far for a unit that then failed, so that a failed call leaks nothing.
     * The sequence numbers they took stay used: a gap is what a receiver must handle anyway, a reuse
     * would not be.
     */
    static void releaseAll(List<ByteBuf> packets) {
        for (ByteBuf p : packets) {
            p.release();
        }
    }

    /**
     * The one buffer of an audio unit.
     *
     * @throws IllegalArgumentException when the caller passed several: audio units are one frame each,
     *     and two frames under one timestamp would play at the same time
     */
    static ByteBuf single(List<ByteBuf> units, String codec) {
        if (units.size() != 1) {
            throw new IllegalArgumentException(codec + " unit of " + units.size() + " buffers, expected one frame");
        }
        return units.getFirst();
    }
}
