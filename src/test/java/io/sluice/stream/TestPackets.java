package io.sluice.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/** Builds small RTP packets and stream descriptions for core tests. */
final class TestPackets {
    private TestPackets() {
    }

    static StreamDesc videoAudio() {
        return new StreamDesc(List.of(
                new MediaDesc(MediaType.VIDEO, "trackID=0",
                        List.of(new Format(96, Codec.H264, "H264", 90000, 0, "packetization-mode=1"))),
                new MediaDesc(MediaType.AUDIO, "trackID=1",
                        List.of(new Format(97, Codec.MPEG4_AUDIO, "mpeg4-generic", 48000, 1, "mode=AAC-hbr")))));
    }

    /** An RTP packet whose first payload byte is {@code nal} (0x65 = H264 IDR slice, 0x41 = non-IDR). */
    static ByteBuf rtp(int pt, int seq, long ts, int nal) {
        ByteBuf b = Unpooled.buffer(16);
        b.writeByte(0x80).writeByte(pt).writeShort(seq).writeInt((int) ts).writeInt(0x1234);
        b.writeByte(nal).writeByte(0).writeByte(0).writeByte(0);
        return b;
    }

    /** Keyframe test for the packets above: H264 IDR (type 5) or SPS (type 7). */
    static Stream.KeyframeTest h264Test() {
        return p -> {
            int t = p.getUnsignedByte(p.readerIndex() + 12) & 0x1f;
            return t == 5 || t == 7;
        };
    }
}
