package io.sluice.stream;

import io.netty.buffer.ByteBuf;

/**
 * Unit is one RTP packet of one media as it travels from a publisher to every reader of its stream.
 *
 * <p>Ownership: the {@link Stream} holds one reference to {@link #rtp()} while it fans the unit out.
 * A reader that keeps the unit past {@link StreamReader#onUnit} calls {@link #retain()} and later
 * {@link #release()}; a reader that writes the packet to a Netty channel writes
 * {@code rtp().retainedDuplicate()} so that each reader has its own indexes over the shared bytes.
 * The bytes themselves are never modified after the unit is built.
 */
public final class Unit {
    private final int media;
    private final ByteBuf rtp;
    private final long receivedNanos;
    private final boolean keyframe;

    /**
     * @param media index of the media in the stream description
     * @param rtp the whole RTP packet (header and payload); ownership of one reference moves here
     * @param receivedNanos {@link System#nanoTime()} when the packet reached Sluice
     * @param keyframe true when this packet is the first one of its access unit that carries
     *     keyframe data (a reader that must start at a keyframe may start here)
     */
    public Unit(int media, ByteBuf rtp, long receivedNanos, boolean keyframe) {
        this.media = media;
        this.rtp = rtp;
        this.receivedNanos = receivedNanos;
        this.keyframe = keyframe;
    }

    public int media() {
        return media;
    }

    /** The RTP packet; readers must not change its bytes or indexes (use a duplicate). */
    public ByteBuf rtp() {
        return rtp;
    }

    public long receivedNanos() {
        return receivedNanos;
    }

    public boolean keyframe() {
        return keyframe;
    }

    /** RTP sequence number of the packet. */
    public int sequenceNumber() {
        return rtp.getUnsignedShort(rtp.readerIndex() + 2);
    }

    /** RTP timestamp of the packet. */
    public long timestamp() {
        return rtp.getUnsignedInt(rtp.readerIndex() + 4);
    }

    /** RTP payload type of the packet. */
    public int payloadType() {
        return rtp.getUnsignedByte(rtp.readerIndex() + 1) & 0x7f;
    }

    public int size() {
        return rtp.readableBytes();
    }

    public Unit retain() {
        rtp.retain();
        return this;
    }

    public void release() {
        rtp.release();
    }
}
