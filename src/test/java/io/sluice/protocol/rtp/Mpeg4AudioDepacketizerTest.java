package io.sluice.protocol.rtp;

import io.sluice.testing.TrackingAllocator;
import io.netty.buffer.ByteBufUtil;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Mpeg4AudioDepacketizerTest {

    /** The same AAC encode as ADTS: the frames the RTP captures must give back. */
    static List<byte[]> adtsFrames() {
        return Captures.adtsFrames(Captures.resource("ffmpeg51-aac.adts"));
    }

    static List<byte[]> frames(List<AccessUnit> aus) {
        return aus.stream().map(au -> {
            assertThat(au.units()).hasSize(1);
            assertThat(au.keyframe()).isTrue();
            return ByteBufUtil.getBytes(au.units().getFirst());
        }).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffmpeg51-aac-mpeg4generic-udp", "ffmpeg51-aac-mpeg4generic-fragmented-udp"})
    void captureGivesBackTheAdtsFrames(String capture) {
        Format f = Captures.format(capture, Codec.MPEG4_AUDIO);
        TrackingAllocator alloc = new TrackingAllocator();
        List<AccessUnit> aus = H264DepacketizerTest.depacketize(f, Captures.rtp(capture), alloc);
        // FFmpeg's AAC packetizer does not flush its last aggregated packet at the end: one frame may be missing
        List<byte[]> adts = adtsFrames();
        assertThat(aus).hasSizeBetween(adts.size() - 1, adts.size());
        assertThat(frames(aus)).containsExactlyElementsOf(adts.subList(0, aus.size()));
        // consecutive frames are 1024 samples apart, also across packets
        for (int i = 1; i < aus.size(); i++) {
            assertThat(aus.get(i).rtpTimestamp() - aus.get(i - 1).rtpTimestamp()).isEqualTo(1024);
        }
        H264DepacketizerTest.releaseAll(aus);
        alloc.assertAllReleased();
    }

    @Test
    void capturesCoverAggregationAndFragmentation() {
        // several AU headers in one packet (AU-headers-length > 16 bits) ...
        assertThat(Captures.rtp("ffmpeg51-aac-mpeg4generic-udp"))
                .anySatisfy(p -> assertThat(((p[12] & 0xff) << 8) | (p[13] & 0xff)).isGreaterThan(16));
        // ... and frames larger than the packet (pkt_size 200)
        assertThat(adtsFrames()).anySatisfy(fr -> assertThat(fr.length).isGreaterThan(200));
    }

    @Test
    void lostFragmentDropsOnlyItsFrame() {
        String capture = "ffmpeg51-aac-mpeg4generic-fragmented-udp";
        Format f = Captures.format(capture, Codec.MPEG4_AUDIO);
        List<byte[]> packets = new ArrayList<>(Captures.rtp(capture));
        List<List<byte[]>> byTs = Captures.byTimestamp(packets);
        // a frame fragmented over 2+ packets
        List<byte[]> fragmented = byTs.stream().skip(5).filter(l -> l.size() >= 2).findFirst().orElseThrow();
        packets.remove(fragmented.get(1));
        TrackingAllocator alloc = new TrackingAllocator();
        List<AccessUnit> aus = H264DepacketizerTest.depacketize(f, packets, alloc);
        List<AccessUnit> whole = H264DepacketizerTest.depacketize(f, Captures.rtp(capture));
        assertThat(aus).hasSize(whole.size() - 1);
        H264DepacketizerTest.releaseAll(whole);
        H264DepacketizerTest.releaseAll(aus);
        alloc.assertAllReleased();
    }

    @Test
    void fmtpWithoutAuHeadersIsRejected() {
        Format f = new Format(97, Codec.MPEG4_AUDIO, "mpeg4-generic", 48000, 2, "mode=AAC-hbr;config=1190");
        assertThatThrownBy(() -> Depacketizer.forFormat(f)).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("sizelength");
        Format cts = new Format(97, Codec.MPEG4_AUDIO, "mpeg4-generic", 48000, 2,
                "sizelength=13;indexlength=3;indexdeltalength=3;ctsdeltalength=16");
        assertThatThrownBy(() -> Depacketizer.forFormat(cts)).isInstanceOf(RtpFormatException.class)
                .hasMessageContaining("ctsdeltalength=16");
    }

    @Test
    void auSizeBeyondThePacketInTheMiddleIsMalformed() {
        Format f = Captures.format("ffmpeg51-aac-mpeg4generic-udp", Codec.MPEG4_AUDIO);
        try (Depacketizer d = Depacketizer.forFormat(f)) {
            // two AU headers (32 bits): sizes 1 and 100, but only 3 data bytes
            assertThatThrownBy(() -> d.push(H264DepacketizerTest.rtp(1, 0, true, 0, 32, 0, 8, 3, 0x20, 1, 2, 3)))
                    .isInstanceOf(RtpPacketException.class).hasMessageContaining("AU 1 of 100 bytes");
        }
    }
}
