package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class H264DepacketizerTest {

    static final String CAPTURE = "ffmpeg51-h264-baseline-udp";
    /** 2 s at 30 fps, GOP 30. */
    static final int FRAMES = 60;

    static List<AccessUnit> depacketize(Format f, List<byte[]> packets) {
        return depacketize(f, packets, PooledByteBufAllocator.DEFAULT);
    }

    static List<AccessUnit> depacketize(Format f, List<byte[]> packets, io.netty.buffer.ByteBufAllocator alloc) {
        List<AccessUnit> out = new ArrayList<>();
        try (Depacketizer d = Depacketizer.forFormat(f, alloc)) {
            for (byte[] p : packets) {
                ByteBuf in = Unpooled.wrappedBuffer(p);
                out.addAll(d.push(in));
                // the depacketizer neither releases nor retains its input
                assertThat(in.refCnt()).isEqualTo(1);
                assertThat(in.readerIndex()).isZero();
                in.release();
            }
        }
        return out;
    }

    static List<byte[]> nalus(List<AccessUnit> aus) {
        List<byte[]> out = new ArrayList<>();
        aus.forEach(au -> au.units().forEach(n -> out.add(ByteBufUtil.getBytes(n))));
        return out;
    }

    static void releaseAll(List<AccessUnit> aus) {
        List<ByteBuf> bufs = aus.stream().flatMap(au -> au.units().stream()).toList();
        aus.forEach(AccessUnit::release);
        assertThat(bufs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void captureGivesOneAccessUnitPerFrameWithTheEncodersNalUnits() {
        Format f = Captures.format(CAPTURE, Codec.H264);
        List<byte[]> packets = Captures.rtp(CAPTURE);
        List<AccessUnit> aus = depacketize(f, packets);

        assertThat(aus).hasSize(FRAMES);
        // x264 writes SPS, PPS and its SEI before the first IDR; -tune zerolatency makes 2 slices per picture
        assertThat(aus.getFirst().units()).extracting(n -> n.getByte(0) & 0x1f).containsExactly(7, 8, 6, 5, 5);
        assertThat(aus.get(1).units()).extracting(n -> n.getByte(0) & 0x1f).containsOnly(1);
        assertThat(aus).extracting(AccessUnit::keyframe).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, FRAMES).mapToObj(i -> i % 30 == 0).toList());
        // FU-A reassembly and STAP-A splitting give back exactly the NAL units of the encoded file
        List<byte[]> expected = Captures.annexB(Captures.resource("ffmpeg51-h264-baseline.h264"));
        assertThat(nalus(aus)).containsExactlyElementsOf(expected);
        assertThat(aus).extracting(AccessUnit::rtpTimestamp).doesNotHaveDuplicates();
        releaseAll(aus);
    }

    @Test
    void captureUsesAllThreePacketTypes() {
        List<Integer> types = Captures.rtp(CAPTURE).stream()
                .map(p -> p[RtpHeader.payloadOffset(Unpooled.wrappedBuffer(p))] & 0x1f).distinct().toList();
        assertThat(types).contains(H264Keyframes.STAP_A, H264Keyframes.FU_A);
    }

    @Test
    void lostPacketDropsOnlyItsAccessUnit() {
        Format f = Captures.format(CAPTURE, Codec.H264);
        List<byte[]> packets = Captures.rtp(CAPTURE);
        List<List<byte[]>> frames = Captures.byTimestamp(packets);
        List<AccessUnit> all = depacketize(f, packets);
        java.util.Map<Long, List<String>> expected = hexByTimestamp(all);
        releaseAll(all);
        // the stream's very first packet is not in the list: no sequence number can reveal its loss
        for (int victimFrame : new int[] {1, 5, 30, 59}) {
            List<byte[]> frame = frames.get(victimFrame);
            assertThat(frame).hasSizeGreaterThanOrEqualTo(2);
            for (byte[] victim : java.util.stream.Stream.of(frame.getFirst(), frame.get(1), frame.getLast()).distinct().toList()) {
                List<byte[]> lossy = new ArrayList<>(packets);
                lossy.remove(victim);
                TrackingAllocator alloc = new TrackingAllocator();
                List<AccessUnit> aus = depacketize(f, lossy, alloc);
                assertThat(aus).hasSize(FRAMES - 1);
                assertThat(aus).extracting(AccessUnit::rtpTimestamp)
                        .doesNotContain(RtpHeader.timestamp(Unpooled.wrappedBuffer(victim)));
                java.util.Map<Long, List<String>> kept = new java.util.LinkedHashMap<>(expected);
                kept.remove(RtpHeader.timestamp(Unpooled.wrappedBuffer(victim)));
                assertThat(hexByTimestamp(aus)).containsExactlyEntriesOf(kept);
                releaseAll(aus);
                alloc.assertAllReleased(); // the dropped unit's NAL units too
            }
        }
    }

    @Test
    void reorderedPacketsDropOnlyTheirAccessUnit() {
        Format f = Captures.format(CAPTURE, Codec.H264);
        List<byte[]> packets = new ArrayList<>(Captures.rtp(CAPTURE));
        List<List<byte[]>> frames = Captures.byTimestamp(packets);
        List<byte[]> frame = frames.get(10);
        int i = packets.indexOf(frame.get(0));
        packets.set(i, frame.get(1));
        packets.set(i + 1, frame.get(0));
        List<AccessUnit> aus = depacketize(f, packets);
        assertThat(aus).hasSize(FRAMES - 1);
        assertThat(aus).extracting(AccessUnit::rtpTimestamp)
                .doesNotContain(RtpHeader.timestamp(Unpooled.wrappedBuffer(frame.getFirst())));
        releaseAll(aus);
    }

    @Test
    void duplicatePacketIsIgnored() {
        Format f = Captures.format(CAPTURE, Codec.H264);
        List<byte[]> packets = new ArrayList<>(Captures.rtp(CAPTURE));
        packets.add(20, packets.get(19));
        List<AccessUnit> aus = depacketize(f, packets);
        assertThat(aus).hasSize(FRAMES);
        releaseAll(aus);
    }

    @Test
    void fuWithoutStartIsDroppedAndTheStreamResumes() {
        Format f = Captures.format(CAPTURE, Codec.H264);
        try (Depacketizer d = Depacketizer.forFormat(f)) {
            // FU-A middle and end fragments of an AU whose start was never seen, then a complete single NAL
            assertThat(d.push(rtp(1, 1000, false, 0x7c, 0x05, 1, 2, 3))).isEmpty();
            assertThat(d.push(rtp(2, 1000, true, 0x7c, 0x45, 4, 5, 6))).isEmpty();
            List<AccessUnit> aus = d.push(rtp(3, 4000, true, 0x41, 9, 9));
            assertThat(aus).singleElement().satisfies(au -> {
                assertThat(au.rtpTimestamp()).isEqualTo(4000);
                assertThat(ByteBufUtil.getBytes(au.units().getFirst())).containsExactly(0x41, 9, 9);
                assertThat(au.keyframe()).isFalse();
            });
            releaseAll(aus);
        }
    }

    @Test
    void fuReassemblyRebuildsTheNalHeaderAndEndsAtTheMarker() {
        try (Depacketizer d = Depacketizer.forFormat(Captures.format(CAPTURE, Codec.H264))) {
            assertThat(d.push(rtp(100, 7, false, 0x7c, 0x85, 1, 2))).isEmpty();
            assertThat(d.push(rtp(101, 7, false, 0x7c, 0x05, 3))).isEmpty();
            List<AccessUnit> aus = d.push(rtp(102, 7, true, 0x7c, 0x45, 4));
            assertThat(aus).singleElement().satisfies(au -> {
                assertThat(ByteBufUtil.getBytes(au.units().getFirst())).containsExactly(0x65, 1, 2, 3, 4);
                assertThat(au.keyframe()).isTrue();
            });
            releaseAll(aus);
        }
    }

    @Test
    void auEndsOnTimestampChangeWithoutMarker() {
        try (Depacketizer d = Depacketizer.forFormat(Captures.format(CAPTURE, Codec.H264))) {
            assertThat(d.push(rtp(1, 10, false, 0x41, 1))).isEmpty();
            assertThat(d.push(rtp(2, 10, false, 0x41, 2))).isEmpty();
            List<AccessUnit> aus = d.push(rtp(3, 20, false, 0x41, 3));
            assertThat(aus).singleElement().satisfies(au -> assertThat(au.units()).hasSize(2));
            releaseAll(aus);
        }
    }

    @Test
    void closeReleasesThePartialUnit() {
        TrackingAllocator alloc = new TrackingAllocator();
        Depacketizer d = Depacketizer.forFormat(Captures.format(CAPTURE, Codec.H264), alloc);
        assertThat(d.push(rtp(1, 10, false, 0x7c, 0x85, 1, 2))).isEmpty();
        assertThat(alloc.allocated).singleElement().satisfies(b -> assertThat(b.refCnt()).isEqualTo(1));
        d.close();
        alloc.assertAllReleased();
    }

    @Test
    void malformedStapAThrowsTypedExceptionAndDropsTheUnit() {
        try (Depacketizer d = Depacketizer.forFormat(Captures.format(CAPTURE, Codec.H264))) {
            assertThat(d.push(rtp(1, 10, false, 0x41, 1))).isEmpty();
            assertThatThrownBy(() -> d.push(rtp(2, 10, true, 0x18, 0x00, 0x09, 0x41)))
                    .isInstanceOf(RtpPacketException.class).hasMessageContaining("STAP-A NAL size 9");
            List<AccessUnit> aus = d.push(rtp(3, 20, true, 0x41, 3));
            assertThat(aus).singleElement().satisfies(au -> assertThat(au.rtpTimestamp()).isEqualTo(20));
            releaseAll(aus);
        }
    }

    @Test
    void unitCompletedByAMalformedPacketComesWithTheNextPush() {
        TrackingAllocator alloc = new TrackingAllocator();
        try (Depacketizer d = Depacketizer.forFormat(Captures.format(CAPTURE, Codec.H264), alloc)) {
            assertThat(d.push(rtp(1, 10, false, 0x41, 1))).isEmpty();
            assertThatThrownBy(() -> d.push(rtp(2, 20, false, 0x7c, 0xc5, 1))).isInstanceOf(RtpPacketException.class);
            List<AccessUnit> aus = d.push(rtp(3, 30, true, 0x41, 3));
            assertThat(aus).extracting(AccessUnit::rtpTimestamp).containsExactly(10L, 30L);
            releaseAll(aus);
        }
        alloc.assertAllReleased();
    }

    @Test
    void interleavedModeIsRejected() {
        Format f = new Format(96, Codec.H264, "H264", 90000, 0, "packetization-mode=2");
        assertThatThrownBy(() -> Depacketizer.forFormat(f)).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("packetization-mode 2");
    }

    static ByteBuf rtp(int seq, long ts, boolean marker, int... payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte((marker ? 0x80 : 0) | 96).writeShort(seq).writeInt((int) ts).writeInt(0x1234);
        for (int x : payload) {
            b.writeByte(x);
        }
        return b;
    }

    static java.util.Map<Long, List<String>> hexByTimestamp(List<AccessUnit> aus) {
        java.util.Map<Long, List<String>> m = new java.util.LinkedHashMap<>();
        aus.forEach(au -> m.put(au.rtpTimestamp(), au.units().stream().map(ByteBufUtil::hexDump).toList()));
        return m;
    }
}
