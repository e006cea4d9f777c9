package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static io.sluice.protocol.rtp.PacketizerRun.marker;
import static io.sluice.protocol.rtp.PacketizerRun.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Mpeg4AudioPacketizerTest {

    /** The AudioSpecificConfig FFmpeg announced for the AAC captures (LC, 48 kHz, stereo). */
    static byte[] asc() {
        return HexFormat.of().parseHex(Captures.format("ffmpeg51-aac-mpeg4generic-udp", Codec.MPEG4_AUDIO).fmtpParam("config"));
    }

    @Test
    void realFramesRoundTripThroughTheDepacketizerOnePerPacket() {
        List<byte[]> frames = Mpeg4AudioDepacketizerTest.adtsFrames();
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.aac(97, asc(), alloc));
        long ts = 0xffff_f000L; // wraps during the stream
        for (byte[] frame : frames) {
            List<byte[]> packets = run.pushBytes(List.of(frame), ts);
            assertThat(packets).singleElement().satisfies(p -> {
                assertThat(marker(p)).isTrue();
                byte[] pl = payload(p);
                assertThat(HexFormat.of().formatHex(pl, 0, 2)).as("AU-headers-length 16 bits").isEqualTo("0010");
                assertThat((((pl[2] & 0xff) << 8) | (pl[3] & 0xff))).as("size, index 0").isEqualTo(frame.length << 3);
            });
            ts += 1024;
        }
        List<AccessUnit> aus = H264DepacketizerTest.depacketize(run.packetizer.format(), run.packets, alloc);
        assertThat(Mpeg4AudioDepacketizerTest.frames(aus)).containsExactlyElementsOf(frames);
        for (int i = 0; i < aus.size(); i++) {
            assertThat(aus.get(i).rtpTimestamp()).isEqualTo((0xffff_f000L + 1024L * i) & 0xffff_ffffL);
        }
        H264DepacketizerTest.releaseAll(aus);
        alloc.assertAllReleased();
    }

    @Test
    void frameLargerThanAPacketIsFragmentedWithTheWholeFramesAuHeader() {
        byte[] frame = new byte[3000];
        new Random(1).nextBytes(frame);
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.aac(97, asc(), alloc));
        List<byte[]> packets = run.pushBytes(List.of(frame), 4096);

        assertThat(packets).hasSize(3).extracting(PacketizerRun::marker).containsExactly(false, false, true);
        assertThat(packets).allSatisfy(p -> assertThat(HexFormat.of().formatHex(payload(p), 0, 4))
                .isEqualTo("0010" + HexFormat.of().formatHex(new byte[] {(byte) (3000 >> 5), (byte) (3000 << 3)})));
        List<AccessUnit> aus = H264DepacketizerTest.depacketize(run.packetizer.format(), packets, alloc);
        assertThat(Mpeg4AudioDepacketizerTest.frames(aus)).containsExactly(frame);
        H264DepacketizerTest.releaseAll(aus);
        alloc.assertAllReleased();
    }

    @Test
    void framesThatTheAuSizeFieldCannotHoldAreRejected() {
        TrackingAllocator alloc = new TrackingAllocator();
        Packetizer p = Packetizer.aac(97, asc(), alloc);
        assertThatThrownBy(() -> new PacketizerRun(p).pushBytes(List.of(new byte[8192]), 0))
                .isInstanceOf(RtpPacketException.class).hasMessageContaining("8192 bytes outside 1..8191");
        assertThatThrownBy(() -> new PacketizerRun(p).pushBytes(List.of(new byte[0]), 0))
                .isInstanceOf(RtpPacketException.class);
        assertThatThrownBy(() -> new PacketizerRun(p).pushBytes(List.of(new byte[10], new byte[10]), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 buffers");
        assertThat(alloc.allocated).isEmpty();
    }

    @Test
    void otherAuHeaderLayoutsAreNotMade() {
        Format lbr = new Format(97, Codec.MPEG4_AUDIO, "MPEG4-GENERIC", 48000, 2,
                "mode=AAC-lbr; sizelength=6; indexlength=2; indexdeltalength=2; config=1190");
        assertThatThrownBy(() -> Packetizer.forFormat(lbr, new TrackingAllocator()))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("AAC-lbr");
    }
}
