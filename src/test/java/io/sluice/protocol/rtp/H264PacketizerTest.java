package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.sluice.stream.AccessUnit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.sluice.protocol.rtp.PacketizerRun.marker;
import static io.sluice.protocol.rtp.PacketizerRun.payload;
import static io.sluice.protocol.rtp.PacketizerRun.seq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class H264PacketizerTest {

    static final String CAPTURE = H264DepacketizerTest.CAPTURE;
    static final byte[] SPS = {0x67, 0x42, (byte) 0xc0, 0x0d, (byte) 0xd9, 0x01, 0x41, (byte) 0xfb};
    static final byte[] PPS = {0x68, (byte) 0xcb, (byte) 0x83, (byte) 0xcb, 0x20};

    /** An IDR slice of {@code size} bytes with NRI 3 and a seeded random body. */
    static byte[] idr(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        b[0] = 0x65;
        return b;
    }

    /** The capture's access units as NAL unit bytes, with their timestamps. */
    record Au(long ts, List<byte[]> nalus, boolean keyframe) {
        static List<Au> of(List<AccessUnit> aus) {
            List<Au> out = aus.stream().map(a -> new Au(a.rtpTimestamp(),
                    a.units().stream().map(ByteBufUtil::getBytes).toList(), a.keyframe())).toList();
            H264DepacketizerTest.releaseAll(aus);
            return out;
        }
    }

    /** Depacketizes a real capture, packetizes it again and depacketizes the result: the same units come back. */
    static void assertCaptureRoundTrip(Format captured, Packetizer p, TrackingAllocator alloc) {
        List<Au> original = Au.of(H264DepacketizerTest.depacketize(captured, Captures.rtp(
                captured.codec() == Codec.H264 ? CAPTURE : H265DepacketizerTest.CAPTURE)));
        PacketizerRun run = new PacketizerRun(p);
        for (Au au : original) {
            List<byte[]> packets = run.pushBytes(au.nalus(), au.ts());
            assertThat(packets).extracting(PacketizerRun::marker).containsOnlyOnce(true).last().isEqualTo(true);
        }
        List<Au> again = Au.of(H264DepacketizerTest.depacketize(p.format(), run.packets));
        assertThat(again).hasSameSizeAs(original);
        for (int i = 0; i < original.size(); i++) {
            assertThat(again.get(i).ts()).isEqualTo(original.get(i).ts());
            assertThat(again.get(i).keyframe()).isEqualTo(original.get(i).keyframe());
            assertThat(again.get(i).nalus()).containsExactlyElementsOf(original.get(i).nalus());
        }
        alloc.assertAllReleased();
    }

    @Test
    void captureRoundTripsThroughTheDepacketizer() {
        Format captured = Captures.format(CAPTURE, Codec.H264);
        H264ParameterSets ps = H264ParameterSets.fromFormat(captured);
        TrackingAllocator alloc = new TrackingAllocator();
        Packetizer p = Packetizer.h264(96, ps.sps(), ps.pps(), alloc);
        assertCaptureRoundTrip(captured, p, alloc);
        assertThat(alloc.allocated).isNotEmpty();
    }

    @Test
    void spsPpsSeiShareOneStapAAndLargeIdrSlicesAreFragmented() {
        Format captured = Captures.format(CAPTURE, Codec.H264);
        List<Au> aus = Au.of(H264DepacketizerTest.depacketize(captured, Captures.rtp(CAPTURE)));
        Au first = aus.getFirst(); // SPS, PPS, SEI, IDR, IDR
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.h264(96, null, null, alloc));
        List<byte[]> packets = run.pushBytes(first.nalus(), first.ts());

        byte[] stap = payload(packets.getFirst());
        assertThat(stap[0] & 0x1f).isEqualTo(H264Keyframes.STAP_A);
        assertThat(stap[0] & 0x60).as("highest NRI of SPS/PPS/SEI").isEqualTo(0x60);
        int sizeSps = ((stap[1] & 0xff) << 8) | (stap[2] & 0xff);
        assertThat(java.util.Arrays.copyOfRange(stap, 3, 3 + sizeSps)).isEqualTo(first.nalus().getFirst());
        assertThat(packets).hasSizeGreaterThan(2);
        alloc.assertAllReleased();
    }

    @Test
    void tenKilobyteIdrIsCutIntoFuAFragments() {
        byte[] idr = idr(10_000);
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.h264(96, SPS, PPS, alloc));
        List<byte[]> packets = run.pushBytes(List.of(SPS, PPS, idr), 90_000);

        assertThat(packets).hasSize(1 + 8); // STAP-A, then 9999 bytes in fragments of at most 1398
        List<byte[]> fus = packets.subList(1, packets.size());
        ByteBuf rebuilt = alloc.buffer();
        for (int i = 0; i < fus.size(); i++) {
            byte[] pl = payload(fus.get(i));
            assertThat(pl[0] & 0xff).as("FU indicator: F=0, NRI=3, type 28").isEqualTo(0x60 | H264Keyframes.FU_A);
            assertThat(pl[1] & 0x80).as("S").isEqualTo(i == 0 ? 0x80 : 0);
            assertThat(pl[1] & 0x40).as("E").isEqualTo(i == fus.size() - 1 ? 0x40 : 0);
            assertThat(pl[1] & 0x1f).isEqualTo(H264Keyframes.NAL_IDR);
            assertThat(marker(fus.get(i))).isEqualTo(i == fus.size() - 1);
            rebuilt.writeBytes(pl, 2, pl.length - 2);
        }
        // nearly equal fragments: no small remainder packet
        assertThat(fus).extracting(f -> f.length).allSatisfy(n -> assertThat(n).isBetween(12 + 2 + 1249, 12 + 2 + 1250));
        assertThat(ByteBufUtil.getBytes(rebuilt)).isEqualTo(java.util.Arrays.copyOfRange(idr, 1, idr.length));
        rebuilt.release();

        List<Au> back = Au.of(H264DepacketizerTest.depacketize(run.packetizer.format(), run.packets));
        assertThat(back).singleElement().satisfies(au -> {
            assertThat(au.keyframe()).isTrue();
            assertThat(au.nalus()).containsExactly(SPS, PPS, idr);
        });
        alloc.assertAllReleased();
    }

    @Test
    void nalUnitOfExactlyTheMaximumPayloadIsSentAlone() {
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.h264(96, SPS, PPS, alloc));
        assertThat(run.pushBytes(List.of(idr(Packetizer.MAX_PAYLOAD_SIZE)), 0)).singleElement()
                .satisfies(p -> assertThat(payload(p)).isEqualTo(idr(Packetizer.MAX_PAYLOAD_SIZE)));
        assertThat(run.pushBytes(List.of(idr(Packetizer.MAX_PAYLOAD_SIZE + 1)), 3000)).hasSize(2);
        alloc.assertAllReleased();
    }

    @Test
    void manySmallNalUnitsFillSeveralStapAs() {
        List<byte[]> slices = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] s = idr(100 + i);
            s[0] = 0x41; // non-IDR slice, NRI 2
            slices.add(s);
        }
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.h264(96, SPS, PPS, alloc));
        List<byte[]> packets = run.pushBytes(slices, 0);
        assertThat(packets).hasSize(2).allSatisfy(p -> assertThat(p[12] & 0xff).isEqualTo(0x40 | H264Keyframes.STAP_A));
        assertThat(packets).extracting(PacketizerRun::marker).containsExactly(false, true);
        List<Au> back = Au.of(H264DepacketizerTest.depacketize(run.packetizer.format(), packets));
        assertThat(back).singleElement().satisfies(au -> assertThat(au.nalus()).containsExactlyElementsOf(slices));
        alloc.assertAllReleased();
    }

    @Test
    void sequenceNumbersWrapAcrossCallsAndTimestampsKeepTheirLow32Bits() {
        TrackingAllocator alloc = new TrackingAllocator();
        Packetizer p = new NaluPacketizer(RtpFormats.h264(96, SPS, PPS), NalUnitSyntax.H264,
                new RtpPacketWriter(alloc, 96, 0xdeadbeefL, 65534));
        PacketizerRun run = new PacketizerRun(p);
        run.pushBytes(List.of(idr(3000)), 0xffff_fff0L); // 3 FU-A packets
        run.pushBytes(List.of(idr(50)), (1L << 32) + 5);
        assertThat(run.packets).extracting(PacketizerRun::seq).containsExactly(65534, 65535, 0, 1);
        assertThat(run.packets).extracting(b -> RtpHeader.timestamp(Captures.buf(b)))
                .containsExactly(0xffff_fff0L, 0xffff_fff0L, 0xffff_fff0L, 5L);
        assertThat(run.packets).extracting(b -> RtpHeader.ssrc(Captures.buf(b))).containsOnly(0xdeadbeefL);
        alloc.assertAllReleased();
    }

    @Test
    void packetizersStartAtRandomNumbers() {
        List<Long> ssrcs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ssrcs.add(Packetizer.h264(96, null, null, new TrackingAllocator()).ssrc());
        }
        assertThat(ssrcs).doesNotHaveDuplicates();
        Packetizer given = Packetizer.forFormat(RtpFormats.h264(96, SPS, PPS), 42, new TrackingAllocator());
        assertThat(given.ssrc()).isEqualTo(42);
    }

    @Test
    void emptyUnitGivesNoPackets() {
        assertThat(Packetizer.h264(96, SPS, PPS, new TrackingAllocator()).packetize(List.of(), 0)).isEmpty();
    }

    @Test
    void invalidNalUnitsAreRejectedBeforeAnyPacketIsMade() {
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.h264(96, SPS, PPS, alloc));
        run.pushBytes(List.of(idr(10)), 0);
        assertThatThrownBy(() -> run.pushBytes(List.of(idr(3000), new byte[] {0x65}), 1))
                .isInstanceOf(RtpPacketException.class).hasMessageContaining("NAL unit 1 of 1 bytes");
        assertThatThrownBy(() -> run.pushBytes(List.of(new byte[] {0x7c, (byte) 0x85, 1}), 1))
                .isInstanceOf(RtpPacketException.class).hasMessageContaining("0x7c");
        assertThat(alloc.allocated).hasSize(1);
        run.pushBytes(List.of(idr(10)), 2); // the run checks that no sequence number was skipped
        alloc.assertAllReleased();
    }

    @Test
    void onlyPacketizationModeOneIsMade() {
        Format mode0 = new Format(96, Codec.H264, "H264", 90000, 0, "profile-level-id=42C00D");
        assertThatThrownBy(() -> Packetizer.forFormat(mode0, new TrackingAllocator()))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("packetization-mode=null");
        Format vp8 = new Format(96, Codec.VP8, "VP8", 90000, 0, "");
        assertThatThrownBy(() -> Packetizer.forFormat(vp8, new TrackingAllocator()))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("VP8/90000");
    }
}
