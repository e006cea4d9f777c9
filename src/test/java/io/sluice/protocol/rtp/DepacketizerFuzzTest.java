package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Garbage and corrupted captures: depacketizers return units or throw {@link RtpPacketException}, and leak nothing. */
class DepacketizerFuzzTest {

    /** Each depacketizer with its capture, which seeds the corruption rounds. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("ffmpeg51-h264-baseline-udp", Codec.H264),
                Arguments.of("ffmpeg51-h265-udp", Codec.H265),
                Arguments.of("ffmpeg51-aac-mpeg4generic-udp", Codec.MPEG4_AUDIO),
                Arguments.of("ffmpeg51-aac-mpeg4generic-fragmented-udp", Codec.MPEG4_AUDIO),
                Arguments.of("ffmpeg51-aac-latm-udp", Codec.MPEG4_AUDIO_LATM));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void garbageOfEveryLength(String capture, Codec codec) {
        Format f = Captures.format(capture, codec);
        TrackingAllocator alloc = new TrackingAllocator();
        Random r = new Random(codec.ordinal());
        try (Depacketizer d = Depacketizer.forFormat(f, alloc)) {
            int seq = 0;
            for (int len = 0; len <= 40; len++) {
                for (int i = 0; i < 300; i++) {
                    byte[] b = new byte[len];
                    r.nextBytes(b);
                    if (len >= 12 && i % 3 != 0) {
                        // a valid header over a garbage payload, to reach the payload parsers
                        b[0] = (byte) 0x80;
                        b[2] = (byte) (seq >> 8);
                        b[3] = (byte) seq++;
                        b[4] = (byte) (i / 20); // timestamps that change now and then
                    }
                    push(d, Unpooled.wrappedBuffer(b));
                }
            }
        }
        alloc.assertAllReleased();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void corruptedCapture(String capture, Codec codec) {
        Format f = Captures.format(capture, codec);
        TrackingAllocator alloc = new TrackingAllocator();
        Random r = new Random(42);
        for (int round = 0; round < 20; round++) {
            try (Depacketizer d = Depacketizer.forFormat(f, alloc)) {
                for (byte[] original : Captures.rtp(capture)) {
                    byte[] p = original.clone();
                    int flips = r.nextInt(4);
                    for (int i = 0; i < flips; i++) {
                        int at = 12 + r.nextInt(Math.min(40, p.length - 12));
                        p[at] ^= (byte) (1 << r.nextInt(8));
                    }
                    if (r.nextInt(10) == 0) {
                        p = java.util.Arrays.copyOf(p, 12 + r.nextInt(p.length - 12));
                    }
                    push(d, Unpooled.wrappedBuffer(p));
                }
            }
        }
        alloc.assertAllReleased();
    }

    private static void push(Depacketizer d, ByteBuf in) {
        List<AccessUnit> out = new ArrayList<>();
        try {
            out.addAll(d.push(in));
        } catch (RtpPacketException expected) {
            // the documented failure; the depacketizer must go on
        }
        assertThat(in.refCnt()).isEqualTo(1);
        out.forEach(AccessUnit::release);
        in.release();
    }

    @Test
    void codecsWithoutDepacketizer() {
        for (Codec c : List.of(Codec.OPUS, Codec.VP8, Codec.VP9, Codec.AV1, Codec.G711_PCMU, Codec.OTHER)) {
            assertThat(Depacketizer.forFormat(new Format(96, c, "X", 90000, 0, ""))).as(c.name()).isNull();
        }
    }
}
