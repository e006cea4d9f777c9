package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;

/**
 * H265Depacketizer rebuilds H.265 access units from RTP packets: single NAL units, aggregation packets
 * and fragmentation units without DONL
 * (<a href="https://www.rfc-editor.org/rfc/rfc7798#section-4.4">RFC 7798 §4.4</a>).
 * See {@link Depacketizer} for ownership and loss handling.
 */
final class H265Depacketizer implements Depacketizer {

    private final NaluAssembler asm;
    /** Units completed by a packet that then proved malformed; returned by the next push. */

    /**
     * @throws RtpFormatException when sprop-max-don-diff &gt; 0: the stream then carries DONL fields and
     *     may send NAL units out of decoding order, which would need a reordering buffer
     */
    H265Depacketizer(Format format, ByteBufAllocator alloc) {
        String donDiff = format.fmtpParam("sprop-max-don-diff");
        if (donDiff != null && !donDiff.equals("0")) {
            throw new RtpFormatException("unsupported H265 sprop-max-don-diff=" + donDiff
                    + " (DONL and NAL unit reordering are not supported)");
        }
        asm = new NaluAssembler(alloc, b -> H265Keyframes.isIrap(H265Keyframes.nalType(b)), DtsExtractor.forFormat(format));
    }

    @Override
    public List<AccessUnit> push(ByteBuf packet) {
        return asm.push(packet, this::parse);
    }

    private void parse(ByteBuf b, int seq) {
        int off = b.readerIndex();
        int len = b.readableBytes();
        if (len < 3) {
            throw new RtpPacketException("H265 payload of " + len + " bytes in packet " + seq);
        }
        int type = H265Keyframes.nalType(b.getByte(off));
        switch (type) {
            case H265Keyframes.AP -> {
                int p = off + 2;
                int end = off + len;
                while (p < end) {
                    if (end - p < 2) {
                        throw new RtpPacketException("truncated AP size at offset " + (p - off) + " in packet " + seq);
                    }
                    int size = b.getUnsignedShort(p);
                    if (size < 2 || size > end - p - 2) {
                        throw new RtpPacketException("invalid AP NAL size " + size + " at offset " + (p - off)
                                + " in packet " + seq);
                    }
                    asm.addNalu(b, p + 2, size);
                    p += 2 + size;
                }
            }
            case H265Keyframes.FU -> {
                int header = b.getUnsignedByte(off + 2);
                boolean start = (header & 0x80) != 0;
                boolean last = (header & 0x40) != 0;
                if (start && last) {
                    throw new RtpPacketException("H265 FU with both start and end bits in packet " + seq);
                }
                if (start) {
                    // payload header with its type replaced by the fragment's type (RFC 7798 §4.4.3)
                    int nalHeader = ((b.getUnsignedByte(off) & 0x81) | ((header & 0x3f) << 1)) << 8
                            | b.getUnsignedByte(off + 1);
                    asm.fuStart(nalHeader, 2, b, off + 3, len - 3);
                } else {
                    asm.fuContinue(b, off + 3, len - 3, last);
                }
            }
            // PACI (50) carries extensions Sluice does not use; 51..63 are unspecified and ignored (RFC 7798 §4.4)
            case H265Keyframes.PACI -> {
            }
            default -> {
                if (type > H265Keyframes.PACI) {
                    return;
                }
                asm.addNalu(b, off, len);
            }
        }
    }

    @Override
    public void close() {
        asm.close();
    }
}
