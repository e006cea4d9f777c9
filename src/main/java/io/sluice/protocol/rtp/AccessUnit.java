package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * AccessUnit is one decodable unit rebuilt from RTP packets by a {@link Depacketizer}: the NAL units
 * of one H.264/H.265 picture (without start codes or length prefixes), or one raw AAC frame.
 *
 * <p>Ownership: the access unit owns one reference to each buffer in {@link #units()}; they share no
 * memory with the RTP packets they came from. Whoever receives it calls {@link #release()} exactly once
 * (or hands it on to someone who does).
 *
 * @param rtpTimestamp RTP timestamp of the unit (for AAC, the packet timestamp plus the unit's index
 *     times the frame length)
 * @param units the NAL units or the single audio frame, in decoding order
 * @param keyframe true when a decoder can start here: an H.264 IDR, an H.265 IRAP picture, every audio frame
 */
public record AccessUnit(long rtpTimestamp, List<ByteBuf> units, boolean keyframe) {

    public AccessUnit {
        units = List.copyOf(units);
    }

    /** Total size of the units in bytes. */
    public int size() {
        int n = 0;
        for (ByteBuf b : units) {
            n += b.readableBytes();
        }
        return n;
    }

    /** Releases every unit buffer once. */
    public void release() {
        for (ByteBuf b : units) {
            b.release();
        }
    }
}
