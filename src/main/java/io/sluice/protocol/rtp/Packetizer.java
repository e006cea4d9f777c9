package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.Format;

import java.util.List;

/**
 * Packetizer makes the RTP packets of one stream (one SSRC of one format) from its access units, the
 * inverse of {@link Depacketizer}: sources that are not RTP (RTMP/FLV, MPEG-TS) are packetized once
 * per stream and every RTP reader gets the same packets.
 *
 * <p>Ownership: {@link #packetize} never retains, releases or modifies the buffers it is given (not even
 * their reader indexes); the caller keeps them. Every returned packet is a new buffer from the allocator
 * given at construction, a whole RTP packet (12-byte header, no CSRC or extension, then the payload),
 * and belongs to the caller. When it throws, it has released whatever it had made.
 *
 * <p>Numbering: sequence numbers continue across calls from a random start and wrap at 65535, and the
 * SSRC is fixed per packetizer (random unless given); a new packetizer is a new RTP stream. Marker
 * bits follow each payload format: the last packet of a video access unit, every packet that ends an
 * AAC frame, never for Opus and G.711. Not thread-safe: one instance belongs to the thread that feeds it.
 */
public interface Packetizer {

    /**
     * Largest RTP payload made, in bytes. A 1500-byte Ethernet MTU minus IPv6 (40), UDP (8) and RTP (12)
     * headers leaves 1440; the other 40 bytes are room for what may be added on the way without IP
     * fragmentation: SRTP's authentication tag (10-16), RTP header extensions a WebRTC sender adds, a TURN
     * ChannelData header (4), or a tunnel in the path.
     */
    int MAX_PAYLOAD_SIZE = 1400;

    /** The payload format of the packets, as an SDP announces it; the same for the packetizer's life. */
    Format format();

    /** The SSRC of every packet, for RTCP sender reports and a=ssrc lines. */
    long ssrc();

    /**
     * The packets of one access unit, all with the given timestamp (G.711 excepted, whose later packets
     * advance by their samples); an empty unit gives no packets.
     *
     * @param units for H.264/H.265 the NAL units of one picture in decoding order, without start codes
     *     or length prefixes; for AAC one raw frame (no ADTS header); for Opus one Opus packet; for G.711
     *     one buffer of samples; for MPEG audio one frame with its header
     * @param rtpTimestamp in the format's clock rate; only its low 32 bits are sent, so a caller may
     *     count on past 2^32 without wrapping it
     * @throws RtpPacketException when the unit cannot be packetized (named in the message); no packet
     *     was made and no sequence number used
     * @throws IllegalArgumentException for an audio unit of more than one buffer
     */
    List<ByteBuf> packetize(List<ByteBuf> units, long rtpTimestamp);

    /**
     * H.264 in packetization mode 1 ({@link RtpFormats#h264}).
     *
     * @param sps the SPS NAL unit, or null when it is not known yet
     * @param pps the PPS NAL unit, or null
     * @throws RtpFormatException when the SPS or PPS is malformed
     */
    static Packetizer h264(int payloadType, byte[] sps, byte[] pps, ByteBufAllocator alloc) {
        return forFormat(RtpFormats.h264(payloadType, sps, pps), alloc);
    }

    /**
     * H.265 ({@link RtpFormats#h265}); the parameter sets may be null when not known yet.
     *
     * @throws RtpFormatException when a parameter set has the wrong NAL type
     */
    static Packetizer h265(int payloadType, byte[] vps, byte[] sps, byte[] pps, ByteBufAllocator alloc) {
        return forFormat(RtpFormats.h265(payloadType, vps, sps, pps), alloc);
    }

    /**
     * AAC as mpeg4-generic AAC-hbr ({@link RtpFormats#aac}), one frame per packet.
     *
     * @throws RtpFormatException when the AudioSpecificConfig is invalid
     */
    static Packetizer aac(int payloadType, byte[] audioSpecificConfig, ByteBufAllocator alloc) {
        return forFormat(RtpFormats.aac(payloadType, audioSpecificConfig), alloc);
    }

    /**
     * Opus ({@link RtpFormats#opus}).
     *
     * @throws RtpFormatException when channels is not 1 or 2
     */
    static Packetizer opus(int payloadType, int channels, ByteBufAllocator alloc) {
        return forFormat(RtpFormats.opus(payloadType, channels), alloc);
    }

    /** {@link #forFormat(Format, long, ByteBufAllocator)} with a random SSRC. */
    static Packetizer forFormat(Format format, ByteBufAllocator alloc) {
        return create(format, RtpPacketWriter.random(alloc, format.payloadType()));
    }

    /**
     * The packetizer of a format made by {@link RtpFormats}, or of an RTP source's format when its
     * packets are to be made anew (another MTU, another SSRC).
     *
     * @param ssrc the SSRC of the packets (0..2^32-1), e.g. to keep the one a reader already knows
     * @throws RtpFormatException for a codec without packetizer (anything but H.264, H.265, AAC as
     *     mpeg4-generic, Opus, G.711 and MPEG audio) or a format whose fmtp asks for a mode that is not made here:
     *     H.264 other than packetization-mode=1, H.265 with DONL, AAC other than AAC-hbr 13/3/3
     * @throws IllegalArgumentException when the SSRC does not fit 32 bits
     */
    static Packetizer forFormat(Format format, long ssrc, ByteBufAllocator alloc) {
        return create(format, RtpPacketWriter.withSsrc(alloc, format.payloadType(), ssrc));
    }

    private static Packetizer create(Format format, RtpPacketWriter writer) {
        return switch (format.codec()) {
            case H264 -> {
                if (!"1".equals(format.fmtpParam("packetization-mode"))) {
                    // mode 0 forbids FU-A and STAP-A; mode 2 is interleaved
                    throw new RtpFormatException("unsupported H264 packetization-mode="
                            + format.fmtpParam("packetization-mode") + " for packetizing (only 1)");
                }
                yield new NaluPacketizer(format, NalUnitSyntax.H264, writer);
            }
            case H265 -> {
                String donDiff = format.fmtpParam("sprop-max-don-diff");
                if (donDiff != null && !donDiff.equals("0")) {
                    throw new RtpFormatException("unsupported H265 sprop-max-don-diff=" + donDiff + " for packetizing");
                }
                yield new NaluPacketizer(format, NalUnitSyntax.H265, writer);
            }
            case MPEG4_AUDIO -> new Mpeg4AudioPacketizer(format, writer);
            case OPUS -> new OpusPacketizer(format, writer);
            case G711_PCMU, G711_PCMA -> new G711Packetizer(format, writer);
            case MPEG1_AUDIO -> new MpegAudioPacketizer(format, writer);
            case AV1, VP8, VP9, MPEG4_AUDIO_LATM, G722, MPEG4_VIDEO, OTHER ->
                    throw new RtpFormatException("no RTP packetizer for " + format.codec() + " (" + format.rtpmap() + ")");
        };
    }
}
