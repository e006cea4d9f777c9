package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.stream.Format;
import java.util.List;

/**
 * DtsExtractor gives the access units of an H.264 or H.265 RTP stream the decoding time that RTP does
 * not carry, as {@link io.sluice.stream.AccessUnit#ptsOffset()} (PTS − DTS in RTP clock ticks), so that
 * FLV and MPEG-TS outputs get DTS that increase from the first frame and never exceed the PTS, with
 * B-frames too. The work is done by {@link ReorderDts}; the codec classes read what decides the reorder
 * depth from the parameter sets (from the SDP or in-band) and the slice headers.
 *
 * <p>Units before the first keyframe (H.264 IDR, H.265 IRAP) keep DTS = PTS: nothing can decode them,
 * their order cannot be known, and every reader of access units starts at a keyframe anyway. A slice header that cannot be parsed never throws through the stream:
 * the unit gets the previous DTS + 1 tick and is counted in {@link #badUnits()}.
 *
 * <p>Not thread-safe: one instance per media, used by the depacketizer's thread.
 */
abstract sealed class DtsExtractor permits H264DtsExtractor, H265DtsExtractor {
    /** Returned by {@link #ptsOffset} for a unit that must be dropped (undecodable leading pictures). */
    static final long SKIP = Long.MIN_VALUE;

    final ReorderDts dts;
    /** Units whose slice header or parameter sets could not be read; the codec classes count theirs. */
    long badUnits;

    DtsExtractor(int clockRate) {
        dts = new ReorderDts(clockRate);
    }

    /**
     * The PTS − DTS of the next access unit in decoding order, in clock ticks, or {@link #SKIP}.
     *
     * @param nalus the unit's NAL units, without start codes; not retained or modified
     * @param rtpTimestamp the unit's RTP timestamp (its presentation time)
     */
    final long ptsOffset(List<ByteBuf> nalus, long rtpTimestamp) {
        try {
            return derive(nalus, rtpTimestamp);
        } catch (RuntimeException e) {
            // a parser bug must not take the stream down: the unit still gets a usable DTS
            badUnits++;
            return dts.ptsOffsetAfterPrevious(rtpTimestamp);
        }
    }

    /** The codec's part of {@link #ptsOffset}: may throw on a bitstream it cannot read. */
    abstract long derive(List<ByteBuf> nalus, long rtpTimestamp);

    /** Units whose slice header or parameter sets could not be read. */
    final long badUnits() {
        return badUnits;
    }

    /** Units that got DTS &gt; PTS because the stream reordered deeper than it could be foreseen. */
    final long violations() {
        return dts.violations();
    }

    /** The extractor of an H.264 or H.265 format, with the parameter sets of its SDP when it has them. */
    static DtsExtractor forFormat(Format format) {
        return switch (format.codec()) {
            case H264 -> new H264DtsExtractor(format);
            case H265 -> new H265DtsExtractor(format);
            default -> throw new IllegalArgumentException("no DTS extractor for " + format.codec());
        };
    }

    /** The bytes of a NAL unit (without emulation prevention removed). */
    static byte[] bytes(ByteBuf nalu) {
        return ByteBufUtil.getBytes(nalu, nalu.readerIndex(), nalu.readableBytes(), false);
    }

    /** At most the first {@code max} bytes of a NAL unit after its {@code headerLen}-byte header, unescaped. */
    static byte[] head(ByteBuf nalu, int headerLen, int max) {
        int len = Math.min(nalu.readableBytes(), headerLen + max);
        byte[] raw = ByteBufUtil.getBytes(nalu, nalu.readerIndex(), len, false);
        return H264Sps.unescape(raw, headerLen);
    }
}
