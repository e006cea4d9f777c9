package io.sluice.stream;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * AccessUnit is one decodable unit of a media: the NAL units of one H.264/H.265 picture (without
 * start codes or length prefixes), or one raw audio frame. Readers that re-frame the stream into a
 * container (FLV for RTMP, MPEG-TS for SRT) read these; RTP readers never need them.
 *
 * <p>Ownership: the access unit owns one reference to each buffer in {@link #units()}; they share no
 * memory with the RTP packets they came from. Whoever receives it calls {@link #release()} exactly once
 * (or hands it on to someone who does). Attached to a {@link Unit}, it belongs to that unit.
 *
 * @param rtpTimestamp presentation time in the media's RTP clock (for AAC from RTP, the packet
 *     timestamp plus the frame's index times the frame length)
 * @param ptsOffset presentation minus decoding time in clock ticks (B-frames): carried by RTMP and
 *     MPEG-TS sources; RTP carries no decoding time, so for H.264/H.265 from RTP the depacketizer derives
 *     it from the bitstream; 0 for other RTP codecs
 * @param units the NAL units or the single audio frame, in decoding order
 * @param keyframe true when a decoder can start here: an H.264 IDR, an H.265 IRAP picture, every audio frame
 */
public record AccessUnit(long rtpTimestamp, int ptsOffset, List<ByteBuf> units, boolean keyframe) {

    public AccessUnit {
        units = List.copyOf(units);
    }

    /** An access unit whose decoding time equals its presentation time. */
    public AccessUnit(long rtpTimestamp, List<ByteBuf> units, boolean keyframe) {
        this(rtpTimestamp, 0, units, keyframe);
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
