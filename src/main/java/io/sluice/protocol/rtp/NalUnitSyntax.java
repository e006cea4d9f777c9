package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * NalUnitSyntax is what differs between H.264 and H.265 when {@link NaluPacketizer} puts NAL units
 * into RTP packets: the size of the NAL unit header and how the headers of aggregation packets and
 * fragmentation units are derived from it.
 */
enum NalUnitSyntax {

    /**
     * H.264: 1-byte NAL header; STAP-A (type 24) and FU-A (type 28)
     * (<a href="https://www.rfc-editor.org/rfc/rfc6184#section-5.7.1">RFC 6184 §5.7.1, §5.8</a>).
     */
    H264(1) {
        @Override
        boolean isPacketizationType(ByteBuf nalu) {
            int type = nalu.getByte(nalu.readerIndex()) & 0x1f;
            return type >= H264Keyframes.STAP_A && type <= H264Keyframes.FU_B;
        }

        @Override
        void writeAggregationHeader(ByteBuf out, List<ByteBuf> nalus, int from, int to) {
            // F is set when any aggregated unit has it; NRI is the highest of them (RFC 6184 §5.7)
            int f = 0;
            int nri = 0;
            for (int i = from; i < to; i++) {
                int h = first(nalus.get(i));
                f |= h & 0x80;
                nri = Math.max(nri, h & 0x60);
            }
            out.writeByte(f | nri | H264Keyframes.STAP_A);
        }

        @Override
        void writeFragmentHeader(ByteBuf out, ByteBuf nalu, boolean start, boolean end) {
            int h = first(nalu);
            out.writeByte((h & 0xe0) | H264Keyframes.FU_A); // FU indicator keeps F and NRI
            out.writeByte(flags(start, end) | (h & 0x1f)); // FU header carries the type
        }
    },

    /**
     * H.265: 2-byte NAL header; aggregation packets (type 48) and fragmentation units (type 49)
     * without DONL (<a href="https://www.rfc-editor.org/rfc/rfc7798#section-4.4.2">RFC 7798 §4.4.2, §4.4.3</a>).
     */
    H265(2) {
        @Override
        boolean isPacketizationType(ByteBuf nalu) {
            int type = H265Keyframes.nalType(nalu.getByte(nalu.readerIndex()));
            return type >= H265Keyframes.AP && type <= H265Keyframes.PACI;
        }

        @Override
        void writeAggregationHeader(ByteBuf out, List<ByteBuf> nalus, int from, int to) {
            // F is set when any unit has it; LayerId and TID are the lowest of the units (RFC 7798 §4.4.2)
            int f = 0;
            int layerId = 0x3f;
            int tid = 7;
            for (int i = from; i < to; i++) {
                ByteBuf n = nalus.get(i);
                int h = n.getUnsignedShort(n.readerIndex());
                f |= h & 0x8000;
                layerId = Math.min(layerId, (h >> 3) & 0x3f);
                tid = Math.min(tid, h & 0x07);
            }
            out.writeShort(f | H265Keyframes.AP << 9 | layerId << 3 | tid);
        }

        @Override
        void writeFragmentHeader(ByteBuf out, ByteBuf nalu, boolean start, boolean end) {
            int h = nalu.getUnsignedShort(nalu.readerIndex());
            // the payload header is the NAL header with type 49; the FU header carries the real type
            out.writeShort((h & 0x81ff) | H265Keyframes.FU << 9);
            out.writeByte(flags(start, end) | H265Keyframes.nalType(h >> 8));
        }
    };

    /** Bytes of the NAL unit header. */
    final int headerSize;

    NalUnitSyntax(int headerSize) {
        this.headerSize = headerSize;
    }

    /** Bytes a fragmentation unit adds in front of the fragment: its payload header plus the FU header. */
    int fragmentHeaderSize() {
        return headerSize + 1;
    }

    /**
     * True for the NAL types that the payload format itself uses (aggregation, fragmentation): an
     * encoder never emits them, and passed on as single NAL units they would be misparsed by the receiver.
     */
    abstract boolean isPacketizationType(ByteBuf nalu);

    /** Writes the header of an aggregation packet holding {@code nalus[from, to)}. */
    abstract void writeAggregationHeader(ByteBuf out, List<ByteBuf> nalus, int from, int to);

    /** Writes the payload header and FU header of one fragment of {@code nalu}. */
    abstract void writeFragmentHeader(ByteBuf out, ByteBuf nalu, boolean start, boolean end);

    private static int first(ByteBuf nalu) {
        return nalu.getUnsignedByte(nalu.readerIndex());
    }

    private static int flags(boolean start, boolean end) {
        return (start ? 0x80 : 0) | (end ? 0x40 : 0);
    }
}
