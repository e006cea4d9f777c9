package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtcpTest {

    @Test
    void senderReportRoundTrip() {
        long ntp = NtpTime.fromUnixMillis(1_764_000_000_123L);
        ByteBuf b = RtcpSenderReport.write(PooledByteBufAllocator.DEFAULT, 0xfedcba98L, ntp, 0xffff0000L, 1234, 567890);
        try {
            // SR (28) + SDES with an empty CNAME (12), each a whole number of 32-bit words
            assertThat(b.readableBytes()).isEqualTo(40);
            List<RtcpPacket> parsed = RtcpPacket.parseCompound(b);
            assertThat(parsed).containsExactly(
                    new RtcpPacket.SenderReport(0xfedcba98L, ntp, 0xffff0000L, 1234, 567890, List.of()),
                    new RtcpPacket.SourceDescription(List.of(new RtcpPacket.SdesChunk(0xfedcba98L, ""))));
            assertThat(b.readerIndex()).isZero();
        } finally {
            assertThat(b.release()).isTrue();
        }
    }

    @Test
    void senderReportWithCname() {
        ByteBuf b = RtcpSenderReport.write(UnpooledByteBufAllocator.DEFAULT, 1, 2, 3, 4, 5, "sluice@host");
        assertThat(RtcpPacket.parseCompound(b)).element(1)
                .isEqualTo(new RtcpPacket.SourceDescription(List.of(new RtcpPacket.SdesChunk(1, "sluice@host"))));
        assertThat(b.readableBytes() % 4).isZero();
        b.release();
    }

    @Test
    void receiverReportRoundTrip() {
        ByteBuf b = RtcpReceiverReport.write(UnpooledByteBufAllocator.DEFAULT, 0x11, 0x22, 25, -3, 0x1_0005L, 77,
                0xabcd1234L, 65536);
        List<RtcpPacket> parsed = RtcpPacket.parseCompound(b);
        assertThat(parsed.getFirst()).isEqualTo(new RtcpPacket.ReceiverReport(0x11,
                List.of(new RtcpPacket.ReportBlock(0x22, 25, -3, 0x1_0005L, 77, 0xabcd1234L, 65536))));
        assertThat(parsed.get(1)).isInstanceOf(RtcpPacket.SourceDescription.class);
        b.release();
    }

    @Test
    void ffmpegSenderReportsParse() {
        List<byte[]> rtcp = Captures.rtcp("ffmpeg51-h264-baseline-udp");
        assertThat(rtcp).isNotEmpty();
        long ssrc = RtpHeader.ssrc(Unpooled.wrappedBuffer(Captures.rtp("ffmpeg51-h264-baseline-udp").getFirst()));
        for (byte[] p : rtcp) {
            List<RtcpPacket> parsed = RtcpPacket.parseCompound(Unpooled.wrappedBuffer(p));
            assertThat(parsed.getFirst()).isInstanceOfSatisfying(RtcpPacket.SenderReport.class, sr -> {
                assertThat(sr.ssrc()).isEqualTo(ssrc);
                // captured in 2026
                assertThat(NtpTime.toUnixMillis(sr.ntpTime())).isBetween(1_735_689_600_000L, 1_798_761_600_000L);
            });
        }
        // FFmpeg 5.1 sends its first SR before any media, alone: no SDES, so not the compound RFC 3550 §6.1 asks for
        assertThat(RtcpPacket.parseCompound(Unpooled.wrappedBuffer(rtcp.getFirst()))).singleElement()
                .isInstanceOfSatisfying(RtcpPacket.SenderReport.class, sr -> assertThat(sr.packetCount()).isZero());
    }

    @Test
    void byeAndUnknownTypes() {
        // BYE with one SSRC and reason "x", then an RTPFB (205) of 3 words
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("81cb0002000000070178000081cd0002000000010000000200000000".substring(0, 48)));
        List<RtcpPacket> parsed = RtcpPacket.parseCompound(b);
        assertThat(parsed).containsExactly(new RtcpPacket.Bye(List.of(7L), "x"), new RtcpPacket.Other(205, 1, 12));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "80c8", "40c80000", // empty, short, version 1
            "80c90002000000010000", // length beyond the buffer
            "81c9000100000001", // RR announcing one block without it
            "a0c9000100000001", // padding 1 but padding byte says... 1 within header area
            "81ca000100000001", // SDES chunk without end item
            "81cb000000000000", // BYE count 1 with length 0
    })
    void malformedCompoundsThrowTheTypedException(String hex) {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
        assertThatThrownBy(() -> RtcpPacket.parseCompound(b)).isInstanceOf(RtpPacketException.class);
    }

    @Test
    void garbageOnlyEverThrowsTheTypedException() {
        Random r = new Random(2);
        for (int len = 0; len <= 40; len++) {
            for (int i = 0; i < 500; i++) {
                byte[] b = new byte[len];
                r.nextBytes(b);
                if (len >= 4) {
                    b[0] = (byte) (0x80 | (b[0] & 0x3f));
                    b[1] = (byte) (200 + i % 5);
                    b[2] = 0;
                    b[3] = (byte) (i % 12);
                }
                try {
                    RtcpPacket.parseCompound(Unpooled.wrappedBuffer(b));
                } catch (RtpPacketException expected) {
                    // the only allowed failure
                }
            }
        }
    }
}
