package io.sluice.protocol.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.Codec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class KeyframeDetectorTest {

    /** Captures of 2 s at 30 fps encoded with a GOP of 30 frames. */
    static Stream<Arguments> gop30Captures() {
        return Stream.of(
                Arguments.of("ffmpeg51-h264-baseline-udp", Codec.H264),
                Arguments.of("ffmpeg51-h265-udp", Codec.H265),
                Arguments.of("ffmpeg51-vp8-udp", Codec.VP8),
                Arguments.of("ffmpeg51-vp9-udp", Codec.VP9),
                Arguments.of("ffmpeg51-mpeg4-udp", Codec.MPEG4_VIDEO));
    }

    @ParameterizedTest
    @MethodSource("gop30Captures")
    void findsExactlyTheKeyframesOfAGop30Capture(String capture, Codec codec) {
        KeyframeDetector d = KeyframeDetector.forCodec(codec);
        List<List<byte[]>> frames = Captures.byTimestamp(Captures.rtp(capture));
        assertThat(frames).hasSize(60);
        List<Integer> keyFrames = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            boolean key = false;
            for (byte[] p : frames.get(i)) {
                ByteBuf b = Unpooled.wrappedBuffer(p);
                boolean viaPacket = d.isKeyframePacket(b);
                assertThat(d.isKeyframe(RtpHeader.payload(b))).isEqualTo(viaPacket);
                assertThat(b.readerIndex()).isZero();
                key |= viaPacket;
            }
            if (key) {
                keyFrames.add(i);
            }
        }
        assertThat(keyFrames).containsExactly(0, 30);
    }

    @Test
    void av1NewCodedVideoSequenceBit() {
        // Hand-crafted (ffmpeg 5.1 has no AV1 RTP packetizer, GStreamer 1.22 here has no rtpav1pay):
        // aggregation headers Z|Y|W|N over the libaom sequence header OBU from libaom-av1-160x120.obu.
        byte[] obus = Captures.resource("libaom-av1-160x120.obu");
        assertThat(obus[2] & 0x78).as("second OBU is a sequence header").isEqualTo(1 << 3);
        KeyframeDetector d = KeyframeDetector.forCodec(Codec.AV1);
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x18, 0x0a, 0x0b}))).isTrue(); // N=1, W=1
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x10, 0x0a, 0x0b}))).isFalse(); // N=0
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {(byte) 0x98, 0x0a}))).isFalse(); // Z=1 continuation
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x08}))).isFalse(); // header only
    }

    @Test
    void h264PacketTypes() {
        KeyframeDetector d = KeyframeDetector.forCodec(Codec.H264);
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x65, 1}))).isTrue(); // IDR
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x67, 1}))).isTrue(); // SPS
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x41, 1}))).isFalse(); // non-IDR
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x18, 0, 1, 0x68, 0, 1, 0x65}))).isTrue(); // STAP-A PPS, IDR
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x18, 0, 1, 0x68, 0, 9, 0x65}))).isFalse(); // overrun
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x7c, (byte) 0x85, 1}))).isTrue(); // FU-A start IDR
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x7c, 0x05, 1}))).isFalse(); // FU-A middle
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x7a, 0, 0, 0, 0, 0, 0x65}))).isFalse(); // MTAP ignored
    }

    @Test
    void vp8PayloadDescriptorWithExtensions() {
        KeyframeDetector d = KeyframeDetector.forCodec(Codec.VP8);
        // X=1,S=1,PID=0; I=1 with 15-bit picture ID, L=1, T=1; then payload header P=0
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {(byte) 0x90, (byte) 0xe0, (byte) 0x80, 1, 2, 3, 0x10}))).isTrue();
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {(byte) 0x90, (byte) 0xe0, (byte) 0x80, 1, 2, 3, 0x11}))).isFalse();
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x00, 0x10}))).isFalse(); // S=0
        assertThat(d.isKeyframe(Unpooled.wrappedBuffer(new byte[] {0x11, 0x10}))).isFalse(); // PID 1
    }

    @ParameterizedTest
    @EnumSource(Codec.class)
    void garbageOfEveryLengthNeverThrows(Codec codec) {
        KeyframeDetector d = KeyframeDetector.forCodec(codec);
        assertThat(d).isNotNull();
        if (!codec.isVideo()) {
            assertThat(d).isSameAs(KeyframeDetector.NONE);
        }
        Random r = new Random(codec.ordinal());
        for (int len = 0; len <= 40; len++) {
            for (int round = 0; round < 200; round++) {
                byte[] b = new byte[len];
                r.nextBytes(b);
                ByteBuf buf = Unpooled.wrappedBuffer(b);
                d.isKeyframe(buf);
                d.isKeyframePacket(buf);
                assertThat(buf.readerIndex()).isZero();
            }
            for (int fill : new int[] {0x00, 0xff, 0x18, 0x1c, 0x60, 0x62}) {
                byte[] b = new byte[len];
                java.util.Arrays.fill(b, (byte) fill);
                d.isKeyframe(Unpooled.wrappedBuffer(b));
                d.isKeyframePacket(Unpooled.wrappedBuffer(b));
            }
        }
    }

    @Test
    void readsOnlyTheGivenRange() {
        KeyframeDetector d = KeyframeDetector.forCodec(Codec.H264);
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {0x65, 0x41, 0x65});
        assertThat(d.isKeyframe(b, 1, 1)).isFalse();
        assertThat(d.isKeyframe(b, 2, 1)).isTrue();
        assertThat(d.isKeyframe(b, 2, 0)).isFalse();
        assertThat(IntStream.range(0, 3).filter(i -> d.isKeyframe(b, i, 1)).toArray()).containsExactly(0, 2);
    }
}
