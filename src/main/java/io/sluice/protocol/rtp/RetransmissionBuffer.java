package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

/**
 * RetransmissionBuffer keeps the last packets sent on one outgoing RTP stream, indexed by their
 * sequence number, so that a generic NACK (RFC 4585 §6.2.1) can be answered by sending them again.
 *
 * <p>Ownership: {@link #sent} stores a retained duplicate, one reference per stored packet, released
 * when a newer packet takes its slot or on {@link #close}; the caller keeps its own reference and
 * may send (moving the indexes of) and release its buffer. The bytes are shared, so the caller must
 * not change them afterwards: SRTP must protect into a new buffer, not in place.
 *
 * <p>Not thread-safe: used only by the thread that sends the stream, which also handles its RTCP.
 */
public final class RetransmissionBuffer implements AutoCloseable {

    /** Slots when none are given: about 2 s of 2 Mbit/s video in 1200-byte packets. */
    public static final int DEFAULT_SLOTS = 512;
    /** Most slots a buffer may have: each may hold an MTU-sized packet, so this is already ~40 MB. */
    public static final int MAX_SLOTS = 1 << 15;

    private final ByteBuf[] packets;
    private final int[] sequences;
    private final int mask;
    private long retransmitted;
    private long missed;
    private boolean closed;

    public RetransmissionBuffer() {
        this(DEFAULT_SLOTS);
    }

    /**
     * @param slots how many packets to keep, a power of two so that a sequence number maps to its slot
     *     with a mask
     * @throws IllegalArgumentException when {@code slots} is not a power of two in 1..{@link #MAX_SLOTS}
     */
    public RetransmissionBuffer(int slots) {
        if (slots < 1 || slots > MAX_SLOTS || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("retransmission slots " + slots + " is not a power of two in 1.." + MAX_SLOTS);
        }
        this.packets = new ByteBuf[slots];
        this.sequences = new int[slots];
        this.mask = slots - 1;
    }

    /**
     * Stores a sent RTP packet (readable from readerIndex to writerIndex) under its sequence number,
     * releasing the packet that held the slot.
     *
     * @throws IllegalStateException after {@link #close}
     */
    public void sent(ByteBuf packet) {
        if (closed) {
            throw new IllegalStateException("retransmission buffer closed");
        }
        int seq = RtpHeader.sequenceNumber(packet);
        int i = seq & mask;
        ByteBuf old = packets[i];
        packets[i] = packet.retainedDuplicate();
        sequences[i] = seq;
        if (old != null) {
            old.release();
        }
    }

    /**
     * The packet sent with {@code seq}, as a retained duplicate the caller sends and releases, or null
     * when it is no longer (or was never) held.
     */
    public ByteBuf get(int seq) {
        int i = seq & mask;
        ByteBuf p = packets[i];
        if (p == null || sequences[i] != (seq & 0xffff)) {
            missed++;
            return null;
        }
        retransmitted++;
        return p.retainedDuplicate();
    }

    /** Packets returned by {@link #get}. */
    public long retransmitted() {
        return retransmitted;
    }

    /** Requests {@link #get} could not answer: too old, or a number never sent. */
    public long missed() {
        return missed;
    }

    /** Releases every stored packet; idempotent. */
    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < packets.length; i++) {
            if (packets[i] != null) {
                packets[i].release();
                packets[i] = null;
            }
        }
    }
}
