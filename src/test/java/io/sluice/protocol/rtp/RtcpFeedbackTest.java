package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RtcpFeedbackTest {

    private final TrackingAllocator alloc = new TrackingAllocator();

    /** Hex built from the RFC layouts, and the packet it parses to. */
    static Stream<Arguments> cases() {
        return Stream.of(
                // RFC 4585 §6.2.1: PID 0x1234, BLP bits 0 and 15
                Arguments.of("81cd0003" + "00000001" + "00000002" + "12348001",
                        new RtcpPacket.Nack(1, 2, List.of(0x1234, 0x1235, 0x1244))),
                // two FCI entries, the second across the wrap
                Arguments.of("81cd0004" + "0000000a" + "0000000b" + "00050000" + "fffe0003",
                        new RtcpPacket.Nack(10, 11, List.of(5, 0xfffe, 0xffff, 0))),
                Arguments.of("81ce0002" + "deadbeef" + "cafebabe", new RtcpPacket.Pli(0xdeadbeefL, 0xcafebabeL)),
                // RFC 5104 §4.3.1.1: media source SSRC 0 in the header, entries in the FCI
                Arguments.of("84ce0006" + "00000001" + "00000000" + "00000007" + "2a000000" + "00000008" + "ff000000",
                        new RtcpPacket.Fir(1, List.of(new RtcpPacket.FirEntry(7, 42), new RtcpPacket.FirEntry(8, 255)))),
                // REMB: exponent 3, mantissa 0x3ffff, one SSRC
                Arguments.of("8fce0005" + "00000001" + "00000000" + "52454d42" + "010fffff" + "00000009",
                        new RtcpPacket.Remb(1, 0x3ffffL << 3, List.of(9L))),
                // exponent 63 saturates instead of wrapping negative
                Arguments.of("8fce0004" + "00000001" + "00000000" + "52454d42" + "00fc0001",
                        new RtcpPacket.Remb(1, Long.MAX_VALUE, List.of())),
                // an AFB that is not REMB, transport-cc (RFC 8888 is not used by browsers) and a TMMBR stay Other
                Arguments.of("8fce0003" + "00000001" + "00000000" + "41424344", new RtcpPacket.Other(206, 15, 16)),
                Arguments.of("8fcd0004" + "00000001" + "00000002" + "00010002" + "00000100",
                        new RtcpPacket.Other(205, 15, 20)),
                Arguments.of("83cd0004" + "00000001" + "00000000" + "00000002" + "00000000",
                        new RtcpPacket.Other(205, 3, 20)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void parses(String hex, RtcpPacket expected) {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
        assertThat(RtcpPacket.parseCompound(b)).containsExactly(expected);
        assertThat(b.readerIndex()).isZero();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void writersProduceTheSameBytes(String hex, RtcpPacket parsed) {
        ByteBuf written = switch (parsed) {
            case RtcpPacket.Nack n -> RtcpFeedback.nack(alloc, n.senderSsrc(), n.mediaSsrc(), n.lostSequences());
            case RtcpPacket.Pli p -> RtcpFeedback.pli(alloc, p.senderSsrc(), p.mediaSsrc());
            case RtcpPacket.Fir f when f.entries().size() == 1 ->
                    RtcpFeedback.fir(alloc, f.senderSsrc(), f.entries().getFirst().ssrc(), f.entries().getFirst().seqNr());
            case RtcpPacket.Remb r when r.bitrateBps() != Long.MAX_VALUE ->
                    RtcpFeedback.remb(alloc, r.senderSsrc(), r.bitrateBps(), r.ssrcs());
            default -> null;
        };
        if (written != null) {
            try {
                assertThat(RtcpPacket.parseCompound(written)).containsExactly(parsed);
                assertThat(ByteBufUtil.hexDump(written)).isEqualTo(hex);
            } finally {
                written.release();
            }
        }
        alloc.assertAllReleased();
    }

    /**
     * A real transport-cc feedback of Chromium 156 (headless, fake camera, loopback call with
     * --disable-webrtc-encryption, captured with tshark): reduced-size, sender SSRC 1, and padded
     * to a word boundary (P=1, 3 bytes), so the parser must strip padding before the FCI. It stays Other.
     */
    @Test
    void chromium156TransportCcWithPaddingStaysOther() {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "afcd0007" + "00000001" + "9b4a7346" + "00010007" + "068b0600" + "2007ed09" + "29260a0e" + "00000003"));
        assertThat(RtcpPacket.parseCompound(b)).containsExactly(new RtcpPacket.Other(205, 15, 32));
    }

    @Test
    void nackPacksAcrossTheWrap() {
        ByteBuf b = RtcpFeedback.nack(alloc, 1, 2, List.of(65534, 65535, 0, 1, 1, 20, 3));
        assertThat(ByteBufUtil.hexDump(b)).isEqualTo("81cd0004" + "00000001" + "00000002" + "fffe0017" + "00140000");
        assertThat(RtcpPacket.parseCompound(b)).containsExactly(
                new RtcpPacket.Nack(1, 2, List.of(65534, 65535, 0, 1, 3, 20)));
        b.release();
        alloc.assertAllReleased();
    }

    @Test
    void nackUsesOnePairPerSeventeenNumbers() {
        List<Integer> lost = java.util.stream.IntStream.rangeClosed(65530, 65530 + 33).map(s -> s & 0xffff).boxed().toList();
        ByteBuf b = RtcpFeedback.nack(alloc, 1, 2, lost);
        assertThat(b.readableBytes()).isEqualTo(12 + 2 * 4);
        assertThat(((RtcpPacket.Nack) RtcpPacket.parseCompound(b).getFirst()).lostSequences()).isEqualTo(lost);
        b.release();
    }

    @Test
    void nackRejectsWhatItCannotWrite() {
        assertThatThrownBy(() -> RtcpFeedback.nack(alloc, 1, 2, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RtcpFeedback.nack(alloc, 1, 2, List.of(65536)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
        List<Integer> sparse = java.util.stream.IntStream.range(0, 300).map(i -> i * 20).boxed().toList();
        assertThatThrownBy(() -> RtcpFeedback.nack(alloc, 1, 2, sparse))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300 PID/BLP pairs");
        alloc.assertAllReleased();
    }

    @Test
    void feedbackInACompoundAfterAReceiverReport() {
        ByteBuf rr = RtcpReceiverReport.write(alloc, 1, 2, 0, 0, 100, 0, 0, 0);
        ByteBuf pli = RtcpFeedback.pli(alloc, 1, 2);
        ByteBuf fir = RtcpFeedback.fir(alloc, 1, 2, 3);
        ByteBuf compound = Unpooled.wrappedBuffer(rr, pli, fir);
        assertThat(RtcpPacket.parseCompound(compound)).hasSize(4).element(3)
                .isEqualTo(new RtcpPacket.Fir(1, List.of(new RtcpPacket.FirEntry(2, 3))));
        compound.release();
        alloc.assertAllReleased();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "81ce0001" + "00000001", // PLI of 8 bytes: no media SSRC
            "81cd0001" + "00000001", // NACK of 8 bytes
            "81ce0003" + "00000001" + "00000002" + "00000000", // PLI with 4 bytes of FCI
            "84ce0003" + "00000001" + "00000000" + "00000007", // FIR entry of 4 bytes
            "84ce0002" + "00000001" + "00000000", // FIR without entries
            "a1cd0004" + "00000001" + "00000002" + "00010000" + "00000002", // NACK FCI of 6 bytes after padding
            "8fce0003" + "00000001" + "00000000" + "52454d42", // REMB without count and bitrate
            "8fce0005" + "00000001" + "00000000" + "52454d42" + "02000001" + "00000009", // REMB of 2 SSRCs with one
    })
    void malformedFeedbackThrowsTheTypedException(String hex) {
        ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
        assertThatThrownBy(() -> RtcpPacket.parseCompound(b)).isInstanceOf(RtpPacketException.class)
                .hasMessageMatching(".*(offset 0|FCI).*");
    }

    @Test
    void garbageFeedbackOnlyEverThrowsTheTypedException() {
        Random r = new Random(3);
        int[] formats = {1, 4, 15};
        for (int len = 4; len <= 48; len += 4) {
            for (int i = 0; i < 500; i++) {
                byte[] b = new byte[len];
                r.nextBytes(b);
                b[0] = (byte) (0x80 | (b[0] & 0x20) | formats[i % 3]);
                b[1] = (byte) (205 + i % 2);
                b[2] = 0;
                b[3] = (byte) (len / 4 - 1);
                if (i % 4 == 0 && len >= 16) {
                    b[12] = 'R';
                    b[13] = 'E';
                    b[14] = 'M';
                    b[15] = 'B';
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
