package io.sluice.stream;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import java.util.List;

/**
 * Unit is one RTP packet of one media as it travels from a publisher to every reader of its stream,
 * with the access units that packet completed when some reader needs whole units.
 *
 * <p>Ownership: a unit is reference-counted on its own and holds one reference to {@link #rtp()} and
 * to its access units, released when the unit's count reaches zero. The {@link Stream} holds one
 * reference while it fans the unit out. A reader that keeps the unit past {@link StreamReader#onUnit}
 * calls {@link #retain()} and later {@link #release()}; a reader that writes the packet to a Netty
 * channel writes {@code rtp().retainedDuplicate()} so that each reader has its own indexes over the
 * shared bytes. The bytes themselves are never modified after the unit is built.
 */
public final class Unit extends AbstractReferenceCounted {
    private final int media;
    private final ByteBuf rtp;
    private final long receivedNanos;
    private final boolean keyframe;
    /** Set once, before or while the unit is first fanned out, under the stream's lock. */
    private volatile List<AccessUnit> accessUnits = List.of();

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

    /**
     * The access units this packet completed, usually none or one (several for RTP packets carrying
     * several audio frames). Filled only while a reader that needs access units is attached to the
     * stream, or when the source produced access units in the first place.
     */
    public List<AccessUnit> accessUnits() {
        return accessUnits;
    }

    /** Attaches the access units this packet completed; ownership moves to the unit. */
    void attach(List<AccessUnit> aus) {
        this.accessUnits = aus;
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

    @Override
    public Unit retain() {
        super.retain();
        return this;
    }

    @Override
    public Unit touch(Object hint) {
        return this;
    }

    @Override
    protected void deallocate() {
        rtp.release();
        for (AccessUnit au : accessUnits) {
            au.release();
        }
    }
}
