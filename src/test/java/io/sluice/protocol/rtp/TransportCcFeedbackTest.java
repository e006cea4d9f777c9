package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Transport-cc feedback against byte vectors worked out by hand from
 * draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1 (header, chunk and delta layouts), each
 * also read back as a sender would.
 */
class TransportCcFeedbackTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private static final long SENDER = 0x01020304L;
    private static final long MEDIA = 0x05060708L;
    private static final String SSRCS = "01020304" + "05060708";

    /** One case: base sequence number, sequence offsets and arrival ticks of the received packets, fb count, bytes. */
    record Case(String name, int base, int[] offsets, long[] ticks, int fbCount, String hex) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        long[] run = new long[20];
        int[] runOffsets = new int[20];
        for (int i = 0; i < 20; i++) {
            runOffsets[i] = i;
            run[i] = 0xffffffL * 256 + 255 + i;
        }
        return Stream.of(
                // 2-bit vector (a large delta among them): 1,1,0,2 → 11 01 01 00 10 00 00 00 = 0xD480;
                // deltas 4, 4 (1 byte), 1000 (2 bytes); 26 bytes padded to 28, P bit, last byte 2
                new Case("two-bit vector, a loss and a large delta", 100, new int[] {0, 1, 3},
                        new long[] {2564, 2568, 3568}, 7,
                        "afcd0006" + SSRCS + "00640004" + "00000a07" + "d480" + "0404" + "03e8" + "0002"),
                // 20 small deltas: one run-length chunk 0 01 0000000010100 = 0x2014; base 65530 runs past the
                // 16-bit wrap; reference time 0xffffff (the largest), first delta 255 (the largest small one);
                // the feedback count keeps its low 8 bits
                new Case("run length across the sequence wrap", 65530, runOffsets, run, 256,
                        "afcd000a" + SSRCS + "fffa0014" + "ffffff00" + "2014" + "ff" + "01".repeat(19) + "0002"),
                // 14 statuses, none large: one 1-bit vector 1 0 10110001111111 = 0xAC7F; 32 bytes, no padding
                new Case("one-bit vector", 0, new int[] {0, 2, 3, 7, 8, 9, 10, 11, 12, 13},
                        new long[] {0, 4, 6, 14, 16, 18, 20, 22, 24, 26}, 0,
                        "8fcd0007" + SSRCS + "0000000e" + "00000000" + "ac7f" + "00040208020202020202"),
                // a packet that arrived before the previous one: delta -10 = 0xfff6, status 2 (11 01 10 …)
                new Case("negative delta", 0, new int[] {0, 1}, new long[] {300, 290}, 1,
                        "afcd0006" + SSRCS + "00000002" + "00000101" + "d800" + "2c" + "fff6" + "000003"),
                // 1 then 13 lost (one-bit vector 0xA000), 86 lost (run length 0x0056), 1 received (run 0x2001)
                new Case("long loss as a run", 0, new int[] {0, 100}, new long[] {0, 1}, 0,
                        "8fcd0006" + SSRCS + "00000065" + "00000000" + "a000" + "0056" + "2001" + "0001"))
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void writesTheDraftsLayout(Case c) {
        TransportCcFeedback fb = new TransportCcFeedback(c.base(), c.ticks()[0]);
        for (int i = 0; i < c.offsets().length; i++) {
            assertThat(fb.add(c.offsets()[i], c.ticks()[i])).isTrue();
        }
        ByteBuf b = fb.write(ALLOC, SENDER, MEDIA, c.fbCount());
        try {
            assertThat(ByteBufUtil.hexDump(b)).isEqualTo(c.hex());
        } finally {
            b.release();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void readsBackWhatItWrote(Case c) {
        ByteBuf b = Unpooled.wrappedBuffer(HexFormat.of().parseHex(c.hex()));
        TransportCcFeedback.Report r = TransportCcFeedback.parse(b);
        assertThat(r.senderSsrc()).isEqualTo(SENDER);
        assertThat(r.mediaSsrc()).isEqualTo(MEDIA);
        assertThat(r.baseSeq()).isEqualTo(c.base());
        assertThat(r.feedbackCount()).isEqualTo(c.fbCount() & 0xff);
        long[] expected = new long[c.offsets()[c.offsets().length - 1] + 1];
        java.util.Arrays.fill(expected, -1);
        for (int i = 0; i < c.offsets().length; i++) {
            expected[c.offsets()[i]] = c.ticks()[i];
        }
        // arrival times come back exactly: the reference time and the deltas add up to them
        assertThat(r.arrivalTicks()).containsExactly(expected);
    }

    /**
     * Chromium 156's transport-cc feedback (the capture in RtcpFeedbackTest), read out of a compound after a
     * receiver report as a WHIP target gets it: base 1, 7 packets in one run-length chunk of small deltas,
     * padded by 3 bytes.
     */
    @Test
    void readsChromiumFeedbackOutOfACompound() {
        ByteBuf b = Unpooled.wrappedBuffer(HexFormat.of().parseHex("80c90001" + "00000001"
                + "afcd0007" + "00000001" + "9b4a7346" + "00010007" + "068b0600" + "2007ed09" + "29260a0e" + "00000003"));
        java.util.List<TransportCcFeedback.Report> reports = TransportCcFeedback.inCompound(b);
        assertThat(reports).hasSize(1);
        TransportCcFeedback.Report r = reports.getFirst();
        assertThat(r.mediaSsrc()).isEqualTo(0x9b4a7346L);
        assertThat(r.baseSeq()).isEqualTo(1);
        assertThat(r.referenceTime()).isEqualTo(0x068b06);
        long ref = 0x068b06L * TransportCcFeedback.TICKS_PER_REFERENCE;
        // small deltas ed 09 29 26 0a 0e 00 (250 µs ticks), added up from the reference time
        assertThat(r.arrivalTicks()).containsExactly(ref + 237, ref + 246, ref + 287, ref + 325, ref + 335,
                ref + 349, ref + 349);
        assertThat(b.readerIndex()).isZero();
    }

    @Test
    void aCompoundWithABadLengthIsRefused() {
        ByteBuf b = Unpooled.wrappedBuffer(HexFormat.of().parseHex("80c90005" + "00000001"));
        assertThatThrownBy(() -> TransportCcFeedback.inCompound(b)).isInstanceOf(RtpPacketException.class)
                .hasMessageContaining("length 24");
    }

    @Test
    void refusesADeltaBeyondSixteenBits() {
        TransportCcFeedback fb = new TransportCcFeedback(0, 1000);
        assertThat(fb.add(0, 1000)).isTrue();
        assertThat(fb.add(1, 1000 + Short.MAX_VALUE)).isTrue();
        assertThat(fb.add(2, 1000 + Short.MAX_VALUE + Short.MAX_VALUE + 1)).as("8.19 s later").isFalse();
        assertThat(fb.add(2, 1000 + Short.MAX_VALUE + Short.MIN_VALUE)).as("8.19 s earlier").isTrue();
        assertThat(fb.statusCount()).isEqualTo(3);
        assertThat(fb.receivedCount()).isEqualTo(3);
    }

    @Test
    void staysBelowTheSizeLimit() {
        TransportCcFeedback fb = new TransportCcFeedback(0, 0);
        int n = 0;
        // every delta large: 2 bytes each plus its share of 2-bit vectors
        while (fb.add(n, n % 2 == 0 ? 0 : 300)) {
            n++;
        }
        ByteBuf b = fb.write(ALLOC, SENDER, MEDIA, 0);
        try {
            assertThat(b.readableBytes()).isLessThanOrEqualTo(TransportCcFeedback.MAX_SIZE).isGreaterThan(1000);
            assertThat(TransportCcFeedback.parse(b).arrivalTicks()).hasSize(n);
        } finally {
            b.release();
        }
    }

    @Test
    void chunksChooseTheShortestForm() {
        TransportCcFeedback fb = new TransportCcFeedback(0, 0);
        // 7 large deltas in a row are one run-length chunk, not a 2-bit vector
        for (int i = 0; i < 7; i++) {
            fb.add(i, 1000L * (i + 1));
        }
        fb.add(7, 7001);
        assertThat(fb.chunks()).containsExactly(2 << 13 | 7, 1 << 13 | 1);
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> new TransportCcFeedback(65536, 0)).hasMessageContaining("65536");
        TransportCcFeedback fb = new TransportCcFeedback(0, 0);
        fb.add(3, 0);
        assertThatThrownBy(() -> fb.add(2, 0)).hasMessageContaining("2");
        assertThatThrownBy(() -> new TransportCcFeedback(0, 0).write(ALLOC, 1, 2, 0))
                .isInstanceOf(IllegalStateException.class);
        ByteBuf nack = RtcpFeedback.nack(ALLOC, 1, 2, java.util.List.of(5));
        try {
            assertThatThrownBy(() -> TransportCcFeedback.parse(nack)).isInstanceOf(RtpPacketException.class)
                    .hasMessageContaining("FMT 1");
        } finally {
            nack.release();
        }
        ByteBuf cut = Unpooled.wrappedBuffer(HexFormat.of().parseHex("8fcd0005" + SSRCS + "00000065" + "00000000"
                + "a000" + "0056"));
        assertThatThrownBy(() -> TransportCcFeedback.parse(cut)).isInstanceOf(RtpPacketException.class);
    }
}
