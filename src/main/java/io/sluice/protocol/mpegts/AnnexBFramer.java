package io.sluice.protocol.mpegts;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.protocol.rtp.H264ParameterSets;
import io.sluice.protocol.rtp.H265ParameterSets;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;

/**
 * AnnexBFramer writes H.264 and H.265 access units as the Annex-B byte stream MPEG-TS carries
 * (ISO/IEC 13818-1 §2.14 and §2.17): each unit starts with an access unit delimiter, which the
 * standard requires there, and every NAL unit with a 4-byte start code.
 *
 * <p>A decoder can only start at a keyframe it has the parameter sets for, and a receiver may join at
 * any keyframe, so each keyframe is preceded by the current parameter sets unless it carries all of
 * them itself. They come from the format's sprop-* parameters and are replaced by any that arrive
 * in-band. Nothing is sent before the first keyframe whose parameter sets are known.
 *
 * <p>Not thread-safe.
 */
final class AnnexBFramer implements EsFramer {
    private static final byte[] START_CODE = {0, 0, 0, 1};
    /** H.264 AUD, primary_pic_type 7 (any slice type), then the stop bit. */
    private static final byte[] H264_AUD = {0x09, (byte) 0xF0};
    /** H.265 AUD (type 35, layer 0, TID 1), pic_type 2 (any slice type), then the stop bit. */
    private static final byte[] H265_AUD = {0x46, 0x01, 0x50};
    private static final int NOT_A_PARAMETER_SET = -1;
    private static final int DELIMITER = -2;

    private final boolean h265;
    /** H.264 {SPS, PPS} or H.265 {VPS, SPS, PPS}; null entries until known. */
    private final byte[][] paramSets;
    private boolean started;

    /** @throws io.sluice.protocol.rtp.RtpFormatException when the format's sprop-* values are malformed */
    AnnexBFramer(Format format) {
        this.h265 = format.codec() == Codec.H265;
        if (h265) {
            H265ParameterSets p = H265ParameterSets.fromFormat(format);
            paramSets = p == null ? new byte[3][] : new byte[][] {p.vps(), p.sps(), p.pps()};
        } else {
            H264ParameterSets p = H264ParameterSets.fromFormat(format);
            paramSets = p == null ? new byte[2][] : new byte[][] {p.sps(), p.pps()};
        }
    }

    @Override
    public boolean frame(AccessUnit au, ByteBuf out) {
        int carried = 0; // bit per parameter-set slot seen in this unit (no allocation per frame)
        int others = 0;
        for (ByteBuf n : au.units()) {
            if (!n.isReadable()) {
                continue;
            }
            int slot = slot(n);
            if (slot >= 0) {
                paramSets[slot] = ByteBufUtil.getBytes(n);
                carried |= 1 << slot;
            } else if (slot == NOT_A_PARAMETER_SET) {
                others++;
            }
        }
        // a unit of parameter sets alone (a source's new sequence header) is kept for the next keyframe
        if (others == 0 || !started && !(au.keyframe() && paramSetsKnown())) {
            return false;
        }
        started = true;
        writeNalu(out, h265 ? H265_AUD : H264_AUD);
        // all current parameter sets, so that none is missing or stale, unless the unit carries them all
        boolean prepend = au.keyframe() && Integer.bitCount(carried) < paramSets.length;
        if (prepend) {
            for (byte[] p : paramSets) {
                writeNalu(out, p);
            }
        }
        for (ByteBuf n : au.units()) {
            if (!n.isReadable()) {
                continue;
            }
            int slot = slot(n);
            if (slot == DELIMITER || prepend && slot >= 0) {
                continue;
            }
            out.writeBytes(START_CODE);
            out.writeBytes(n, n.readerIndex(), n.readableBytes());
        }
        return true;
    }

    private boolean paramSetsKnown() {
        for (byte[] p : paramSets) {
            if (p == null) {
                return false;
            }
        }
        return true;
    }

    private static void writeNalu(ByteBuf out, byte[] nalu) {
        out.writeBytes(START_CODE);
        out.writeBytes(nalu);
    }

    /** Index of a parameter-set NAL unit in {@link #paramSets}, {@link #DELIMITER}, or -1 for others. */
    private int slot(ByteBuf n) {
        int h = n.getUnsignedByte(n.readerIndex());
        if (!h265) {
            return switch (h & 0x1F) {
                case 7 -> 0;
                case 8 -> 1;
                case 9 -> DELIMITER;
                default -> NOT_A_PARAMETER_SET;
            };
        }
        return switch ((h >> 1) & 0x3F) {
            case 32 -> 0;
            case 33 -> 1;
            case 34 -> 2;
            case 35 -> DELIMITER;
            default -> NOT_A_PARAMETER_SET;
        };
    }
}
