package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;

/**
 * H264Depacketizer rebuilds H.264 access units from RTP packets in packetization modes 0 and 1:
 * single NAL units, STAP-A and FU-A
 * (<a href="https://www.rfc-editor.org/rfc/rfc6184#section-5.7">RFC 6184 §5.7, §5.8</a>).
 * See {@link Depacketizer} for ownership and loss handling.
 */
final class H264Depacketizer implements Depacketizer {

    private final NaluAssembler asm;
    /** Units completed by a packet that then proved malformed; returned by the next push. */

    /** @throws RtpFormatException for packetization-mode 2 (interleaved), which needs DON reordering */
    H264Depacketizer(Format format, ByteBufAllocator alloc) {
        String mode = format.fmtpParam("packetization-mode");
        if (mode != null && !mode.equals("0") && !mode.equals("1")) {
            throw new RtpFormatException("unsupported H264 packetization-mode " + mode + " (only 0 and 1)");
        }
        asm = new NaluAssembler(alloc, b -> (b & 0x1f) == H264Keyframes.NAL_IDR, DtsExtractor.forFormat(format));
    }

    @Override
    public List<AccessUnit> push(ByteBuf packet) {
        return asm.push(packet, this::parse);
    }

    private void parse(ByteBuf b, int seq) {
        int off = b.readerIndex();
        int len = b.readableBytes();
        if (len < 1) {
            throw new RtpPacketException("empty H264 payload in packet " + seq);
        }
        int type = b.getByte(off) & 0x1f;
        switch (type) {
            case H264Keyframes.STAP_A -> {
                int p = off + 1;
                int end = off + len;
                while (p < end) {
                    if (end - p < 2) {
                        throw new RtpPacketException("truncated STAP-A size at offset " + (p - off) + " in packet " + seq);
                    }
                    int size = b.getUnsignedShort(p);
                    if (size == 0 || size > end - p - 2) {
                        throw new RtpPacketException("invalid STAP-A NAL size " + size + " at offset " + (p - off)
                                + " in packet " + seq);
                    }
                    asm.addNalu(b, p + 2, size);
                    p += 2 + size;
                }
            }
            case H264Keyframes.FU_A -> {
                if (len < 3) {
                    throw new RtpPacketException("FU-A of " + len + " bytes in packet " + seq);
                }
                int indicator = b.getUnsignedByte(off);
                int header = b.getUnsignedByte(off + 1);
                boolean start = (header & 0x80) != 0;
                boolean last = (header & 0x40) != 0;
                if (start && last) {
                    throw new RtpPacketException("FU-A with both start and end bits in packet " + seq);
                }
                if (start) {
                    // the NAL header is the indicator's F and NRI bits with the fragment's type
                    asm.fuStart((indicator & 0xe0) | (header & 0x1f), 1, b, off + 2, len - 2);
                } else {
                    asm.fuContinue(b, off + 2, len - 2, last);
                }
            }
            case H264Keyframes.STAP_B, H264Keyframes.MTAP16, H264Keyframes.MTAP24, H264Keyframes.FU_B ->
                    throw new RtpPacketException("interleaved-mode H264 packet type " + type + " in packet " + seq
                            + " (packetization-mode 2 is not supported)");
            // 0, 30 and 31 are undefined; RFC 6184 §5.2 says receivers ignore them
            case 0, 30, 31 -> {
            }
            default -> asm.addNalu(b, off, len);
        }
    }

    @Override
    public void close() {
        asm.close();
    }
}
