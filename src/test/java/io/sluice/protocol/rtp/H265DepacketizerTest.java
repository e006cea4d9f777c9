package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class H265DepacketizerTest {

    static final String CAPTURE = "ffmpeg51-h265-udp";
    static final int FRAMES = 60;

    @Test
    void captureGivesOneAccessUnitPerFrameWithTheEncodersNalUnits() {
        Format f = Captures.format(CAPTURE, Codec.H265);
        TrackingAllocator alloc = new TrackingAllocator();
        List<AccessUnit> aus = H264DepacketizerTest.depacketize(f, Captures.rtp(CAPTURE), alloc);

        assertThat(aus).hasSize(FRAMES);
        // x265 with repeat-headers writes VPS, SPS, PPS (and SEI) before each IDR picture
        assertThat(aus.getFirst().units()).extracting(n -> H265Keyframes.nalType(n.getByte(0)))
                .startsWith(32, 33, 34).containsAnyOf(19, 20);
        assertThat(aus).extracting(AccessUnit::keyframe)
                .containsExactlyElementsOf(IntStream.range(0, FRAMES).mapToObj(i -> i % 30 == 0).toList());
        // hevc_mp4toannexb prepends the container's copy of VPS, SPS, PPS and SEI to each IDR, which already
        // carries them in-band (x265 repeat-headers) and so in RTP: drop the copy, i.e. a header NAL unit
        // repeated 4 positions later
        List<byte[]> annexB = Captures.annexB(Captures.resource("ffmpeg51-h265.h265"));
        List<byte[]> expected = IntStream.range(0, annexB.size()).filter(i -> !(i + 4 < annexB.size()
                && java.util.Arrays.equals(annexB.get(i), annexB.get(i + 4))
                && List.of(32, 33, 34, 39).contains(H265Keyframes.nalType(annexB.get(i)[0]))))
                .mapToObj(annexB::get).toList();
        assertThat(expected).hasSize(annexB.size() - 8);
        assertThat(H264DepacketizerTest.nalus(aus)).containsExactlyElementsOf(expected);
        H264DepacketizerTest.releaseAll(aus);
        alloc.assertAllReleased();
    }

    @Test
    void captureUsesAggregationAndFragmentation() {
        List<Integer> types = Captures.rtp(CAPTURE).stream()
                .map(p -> H265Keyframes.nalType(p[RtpHeader.payloadOffset(Unpooled.wrappedBuffer(p))])).distinct().toList();
        assertThat(types).contains(H265Keyframes.AP, H265Keyframes.FU);
    }

    @Test
    void lostFragmentDropsOnlyItsAccessUnit() {
        Format f = Captures.format(CAPTURE, Codec.H265);
        List<byte[]> packets = new ArrayList<>(Captures.rtp(CAPTURE));
        List<List<byte[]>> frames = Captures.byTimestamp(packets);
        int victimFrame = IntStream.range(1, frames.size()).filter(i -> frames.get(i).size() >= 3).findFirst().orElseThrow();
        byte[] victim = frames.get(victimFrame).get(1);
        packets.remove(victim);
        TrackingAllocator alloc = new TrackingAllocator();
        List<AccessUnit> aus = H264DepacketizerTest.depacketize(f, packets, alloc);
        assertThat(aus).hasSize(FRAMES - 1);
        assertThat(aus).extracting(AccessUnit::rtpTimestamp).doesNotContain(RtpHeader.timestamp(Unpooled.wrappedBuffer(victim)));
        H264DepacketizerTest.releaseAll(aus);
        alloc.assertAllReleased();
    }

    @Test
    void fragmentRebuildsTheTwoByteNalHeader() {
        Format f = Captures.format(CAPTURE, Codec.H265);
        try (Depacketizer d = Depacketizer.forFormat(f)) {
            // FU (type 49) with layer 0, TID 1; FU header start + type 19 (IDR_W_RADL)
            assertThat(d.push(H264DepacketizerTest.rtp(1, 5, false, 0x62, 0x01, 0x93, 0xaa))).isEmpty();
            List<AccessUnit> aus = d.push(H264DepacketizerTest.rtp(2, 5, true, 0x62, 0x01, 0x53, 0xbb));
            assertThat(aus).singleElement().satisfies(au -> {
                assertThat(ByteBufUtil.getBytes(au.units().getFirst())).containsExactly(0x26, 0x01, 0xaa, 0xbb);
                assertThat(au.keyframe()).isTrue();
            });
            H264DepacketizerTest.releaseAll(aus);
        }
    }

    @Test
    void donlIsRejected() {
        Format f = new Format(96, Codec.H265, "H265", 90000, 0, "sprop-max-don-diff=2");
        assertThatThrownBy(() -> Depacketizer.forFormat(f)).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("sprop-max-don-diff=2");
    }
}
