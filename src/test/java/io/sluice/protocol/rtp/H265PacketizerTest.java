package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.sluice.protocol.rtp.PacketizerRun.marker;
import static io.sluice.protocol.rtp.PacketizerRun.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class H265PacketizerTest {

    static final String CAPTURE = H265DepacketizerTest.CAPTURE;

    /** A NAL unit of {@code size} bytes with the given type, layer 0 and TID 1, and a seeded random body. */
    static byte[] nalu(int type, int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        b[0] = (byte) (type << 1);
        b[1] = 1;
        return b;
    }

    @Test
    void captureRoundTripsThroughTheDepacketizer() {
        Format captured = Captures.format(CAPTURE, Codec.H265);
        H265ParameterSets ps = H265ParameterSets.fromFormat(captured);
        TrackingAllocator alloc = new TrackingAllocator();
        Packetizer p = Packetizer.h265(96, ps.vps(), ps.sps(), ps.pps(), alloc);
        H264PacketizerTest.assertCaptureRoundTrip(captured, p, alloc);
    }

    @Test
    void parameterSetsShareOneAggregationPacket() {
        byte[] vps = nalu(H265Keyframes.NAL_VPS, 24);
        byte[] sps = nalu(H265Keyframes.NAL_SPS, 40);
        byte[] pps = nalu(H265Keyframes.NAL_PPS, 7);
        pps[1] = 2; // TID 2: the AP takes the lowest
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.h265(96, null, null, null, alloc));
        List<byte[]> packets = run.pushBytes(List.of(vps, sps, pps), 0);

        assertThat(packets).singleElement().satisfies(p -> {
            assertThat(marker(p)).isTrue();
            byte[] ap = payload(p);
            assertThat(ap[0] & 0xff).as("F=0, type 48, layer 0").isEqualTo(H265Keyframes.AP << 1);
            assertThat(ap[1] & 0xff).as("layer 0, TID 1").isEqualTo(1);
            assertThat(ap).hasSize(2 + 3 * 2 + 24 + 40 + 7);
        });
        alloc.assertAllReleased();
    }

    @Test
    void tenKilobyteIdrIsCutIntoFragmentationUnits() {
        byte[] idr = nalu(H265Keyframes.NAL_IDR_W_RADL, 10_000);
        TrackingAllocator alloc = new TrackingAllocator();
        PacketizerRun run = new PacketizerRun(Packetizer.h265(96, null, null, null, alloc));
        List<byte[]> packets = run.pushBytes(List.of(idr), 180_000);

        assertThat(packets).hasSize(8); // 9998 bytes in fragments of at most 1397
        for (int i = 0; i < packets.size(); i++) {
            byte[] pl = payload(packets.get(i));
            assertThat(H265Keyframes.nalType(pl[0])).isEqualTo(H265Keyframes.FU);
            assertThat(pl[1]).as("layer and TID of the NAL unit").isEqualTo((byte) 1);
            assertThat(pl[2] & 0x80).as("S").isEqualTo(i == 0 ? 0x80 : 0);
            assertThat(pl[2] & 0x40).as("E").isEqualTo(i == packets.size() - 1 ? 0x40 : 0);
            assertThat(pl[2] & 0x3f).isEqualTo(H265Keyframes.NAL_IDR_W_RADL);
            assertThat(marker(packets.get(i))).isEqualTo(i == packets.size() - 1);
        }
        List<H264PacketizerTest.Au> back = H264PacketizerTest.Au.of(
                H264DepacketizerTest.depacketize(run.packetizer.format(), run.packets));
        assertThat(back).singleElement().satisfies(au -> {
            assertThat(au.keyframe()).isTrue();
            assertThat(au.nalus()).containsExactly(idr);
        });
        alloc.assertAllReleased();
    }

    @Test
    void rtpPacketTypesAndHeaderOnlyUnitsAreRejected() {
        TrackingAllocator alloc = new TrackingAllocator();
        Packetizer p = Packetizer.h265(96, null, null, null, alloc);
        assertThatThrownBy(() -> new PacketizerRun(p).pushBytes(List.of(nalu(H265Keyframes.FU, 20)), 0))
                .isInstanceOf(RtpPacketException.class).hasMessageContaining("H265 NAL unit 0");
        assertThatThrownBy(() -> new PacketizerRun(p).pushBytes(List.of(new byte[] {0x26, 1}), 0))
                .isInstanceOf(RtpPacketException.class).hasMessageContaining("of 2 bytes");
        assertThat(alloc.allocated).isEmpty();
    }

    @Test
    void donlIsNotMade() {
        Format f = new Format(96, Codec.H265, "H265", 90000, 0, "sprop-max-don-diff=2");
        assertThatThrownBy(() -> Packetizer.forFormat(f, new TrackingAllocator()))
                .isInstanceOf(RtpFormatException.class).hasMessageContaining("sprop-max-don-diff=2");
    }
}
