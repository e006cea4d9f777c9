package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import io.sluice.stream.Stream;
import java.util.List;

/**
 * Depacketizer rebuilds the access units of one RTP stream (one SSRC of one format) from its packets,
 * to re-frame them into containers (FLV, MPEG-TS) that carry whole units.
 *
 * <p>Ownership: {@link #push} never retains, releases or modifies the packet it is given; the caller
 * keeps it. Every returned {@link AccessUnit} holds freshly allocated copies from the allocator given at
 * construction and belongs to the caller, who must {@link AccessUnit#release()} it. {@link #close()}
 * releases the partial unit a depacketizer holds between packets.
 *
 * <p>Packet loss is not an error: a unit with a missing packet is dropped (released) and the next
 * complete unit is returned normally. Packets that arrive late are ignored. Not thread-safe: one
 * instance belongs to the thread that receives the stream.
 */
public interface Depacketizer extends Stream.AuAssembler {

    /**
     * Pushes one whole RTP packet (header included) and returns the units it completed, usually none or
     * one; an empty list means more packets are needed.
     *
     * @throws RtpPacketException when the packet or its payload is malformed; the unit in progress is
     *     dropped and the depacketizer goes on with the next packet. A whole unit that the malformed
     *     packet completed (by changing the timestamp) is not lost: the next call returns it.
     */
    List<AccessUnit> push(ByteBuf rtpPacket);

    /** Releases any partial unit; the depacketizer must not be used afterwards. */
    @Override
    void close();

    /** {@link #forFormat(Format, ByteBufAllocator)} with the default allocator. */
    static Depacketizer forFormat(Format format) {
        return forFormat(format, ByteBufAllocator.DEFAULT);
    }

    /**
     * The depacketizer of a format, or null for codecs whose RTP packets are already whole units or that
     * Sluice only passes through (Opus, G.711, VP8, VP9, AV1, ...).
     *
     * @throws RtpFormatException when the format's fmtp asks for a mode that is not supported
     */
    static Depacketizer forFormat(Format format, ByteBufAllocator alloc) {
        return switch (format.codec()) {
            case H264 -> new H264Depacketizer(format, alloc);
            case H265 -> new H265Depacketizer(format, alloc);
            case MPEG4_AUDIO -> new Mpeg4AudioDepacketizer(format, alloc);
            case MPEG4_AUDIO_LATM -> new LatmDepacketizer(format, alloc);
            case AV1, VP8, VP9, OPUS, G711_PCMU, G711_PCMA, G722, MPEG1_AUDIO, MPEG4_VIDEO, OTHER -> null;
        };
    }
}
