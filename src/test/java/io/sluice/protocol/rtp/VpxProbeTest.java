package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.Codec;
import io.sluice.stream.QualityMeter.VideoParams;
import io.sluice.stream.QualityMeter.VideoProbe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The picture size of VP8/VP9 streams, read from their key frames: real FFmpeg captures and hand-made packets. */
class VpxProbeTest {

    private static List<VideoParams> probeAll(String capture, Codec codec) {
        VideoProbe probe = SpsProbe.forFormat(Captures.format(capture, codec));
        assertThat(probe).isInstanceOf(VpxProbe.class);
        List<VideoParams> seen = new ArrayList<>();
        int keyframes = 0;
        for (byte[] p : Captures.rtp(capture)) {
            ByteBuf b = Unpooled.wrappedBuffer(p);
            if (KeyframeDetector.forCodec(codec).isKeyframePacket(b)) {
                keyframes++;
            }
            VideoParams v = probe.probe(b);
            assertThat(b.readerIndex()).isZero();
            if (v != null) {
                seen.add(v);
            }
        }
        assertThat(keyframes).as("the capture has key frames every 30 frames").isGreaterThanOrEqualTo(2);
        return seen;
    }

    @Test
    void vp8SizeFromEveryKeyframeReportedOnce() {
        assertThat(probeAll("ffmpeg51-vp8-udp", Codec.VP8)).containsExactly(new VideoParams(320, 240, 0));
    }

    @Test
    void vp9SizeFromTheUncompressedHeader() {
        assertThat(probeAll("ffmpeg51-vp9-udp", Codec.VP9)).containsExactly(new VideoParams(320, 240, 0));
    }

    /** An RTP packet (PT 96) with the given payload. */
    private static ByteBuf rtp(int... payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(96).writeShort(1).writeInt(3000).writeInt(0x1234);
        for (int x : payload) {
            b.writeByte(x);
        }
        return b;
    }

    /** A browser's VP8 key frame start: descriptor with X, I (15-bit picture ID), then the frame tag and size. */
    private static ByteBuf vp8Key(int width, int height) {
        return rtp(0x90, 0x80, 0x81, 0x23, // X, S, PID 0; I; picture ID 0x0123 (M set)
                0x50, 0x2a, 0x01, // frame tag: key frame (bit 0 clear), show_frame
                0x9d, 0x01, 0x2a, width & 0xff, width >> 8, height & 0xff, height >> 8, 0x00);
    }

    @Test
    void vp8ResolutionChangeAtAKeyframeIsReportedAndInterFramesAreNot() {
        VideoProbe probe = new VpxProbe(false);
        assertThat(probe.probe(vp8Key(1280, 720))).isEqualTo(new VideoParams(1280, 720, 0));
        assertThat(probe.probe(vp8Key(1280, 720))).as("the same size again").isNull();
        // an inter frame: bit 0 of the frame tag set, no start code
        assertThat(probe.probe(rtp(0x90, 0x80, 0x81, 0x24, 0x51, 0x2a, 0x01, 0, 0, 0, 0, 0, 0, 0))).isNull();
        // a middle packet of a key frame (S clear) that happens to hold the start code
        assertThat(probe.probe(rtp(0x80, 0x80, 0x81, 0x25, 0x50, 0x2a, 0x01, 0x9d, 0x01, 0x2a, 0, 5, 0, 5))).isNull();
        // the upscaling bits (top 2 of each 16-bit field) are not part of the size
        assertThat(probe.probe(vp8Key(640 | 0x4000, 360 | 0x8000))).isEqualTo(new VideoParams(640, 360, 0));
    }

    @Test
    void truncatedOrForeignPayloadsGiveNoSize() {
        VideoProbe vp8 = new VpxProbe(false);
        assertThat(vp8.probe(rtp(0x10, 0x50, 0x2a, 0x01, 0x9d, 0x01))).isNull(); // cut before the size
        assertThat(vp8.probe(rtp(0x10, 0x50, 0x2a, 0x01, 0x00, 0x00, 0x00, 0x40, 0x01, 0xf0, 0x00))).isNull();
        assertThat(vp8.probe(rtp())).isNull();
        VideoProbe vp9 = new VpxProbe(true);
        assertThat(vp9.probe(rtp(0x08, 0x82, 0x49, 0x83))).isNull(); // B, key frame, sync code cut short
        assertThat(vp9.probe(rtp(0x48, 0x82, 0x49, 0x83, 0x42, 0, 0, 0, 0, 0))).as("P set: predicted").isNull();
    }

    @Test
    void vp9Profile0KeyframeHeaderByHand() {
        // frame_marker 2, profile 0, show_existing 0, key frame, show_frame 1, error_res 0 = 1000 0010
        // sync code 49 83 42; color_space 2 (BT.601, 3 bits) + color_range 0 -> 010 0; then width-1 = 1919,
        // height-1 = 1079 in 16 bits each: written from bit 4 of the byte after the sync code.
        long bits = 0b0100L << 32 | 1919L << 16 | 1079L; // 36 bits
        int[] tail = new int[5];
        for (int i = 0; i < 5; i++) {
            tail[i] = (int) ((bits << 4) >> (32 - 8 * i) & 0xff);
        }
        VideoProbe vp9 = new VpxProbe(true);
        assertThat(vp9.probe(rtp(0x08, 0x82, 0x49, 0x83, 0x42, tail[0], tail[1], tail[2], tail[3], tail[4])))
                .isEqualTo(new VideoParams(1920, 1080, 0));
    }
}
