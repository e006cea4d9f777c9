package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.AccessUnit;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import io.netty.buffer.ByteBufUtil;
import java.util.Base64;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DTS of the access units depacketized from real B-frame captures (see the captures README): from the
 * first keyframe, DTS strictly increases, PTS ≥ DTS, and the DTS of the n-th unit in decoding order is
 * the PTS of the (n−R)-th picture in output order, R being the reorder depth the encoder declared.
 */
class DtsExtractorTest {

    /**
     * capture, codec, frames sent, reorder depth declared in the SPS (x264 declares 2 whenever it may
     * use a B-pyramid), reorder depth the encoder really used.
     */
    static Stream<Arguments> captures() {
        return Stream.of(
                Arguments.of("ffmpeg51-h264-high-bf2-udp", Codec.H264, 90, 2, 1),
                Arguments.of("ffmpeg51-h264-high-bf3-pyramid-udp", Codec.H264, 90, 2, 2),
                Arguments.of("gstreamer122-h264-bf2-udp", Codec.H264, 90, 2, 1),
                Arguments.of("ffmpeg51-h265-bf4-udp", Codec.H265, 90, 2, 2));
    }

    /** One unit's times as seen by a container mapper: PTS unwrapped, DTS = PTS − ptsOffset. */
    record Times(long pts, long dts, boolean keyframe) {
    }

    static List<Times> times(Format f, List<byte[]> packets) {
        List<AccessUnit> aus = H264DepacketizerTest.depacketize(f, packets);
        List<Times> out = new ArrayList<>();
        long unwrapped = 0;
        long last = 0;
        for (int i = 0; i < aus.size(); i++) {
            AccessUnit au = aus.get(i);
            unwrapped = i == 0 ? 0 : unwrapped + (int) (au.rtpTimestamp() - last);
            last = au.rtpTimestamp();
            out.add(new Times(unwrapped, unwrapped - au.ptsOffset(), au.keyframe()));
        }
        H264DepacketizerTest.releaseAll(aus);
        return out;
    }

    /** The units from the first keyframe on: what the FLV and MPEG-TS mappers send. */
    static List<Times> fromFirstKeyframe(List<Times> all) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyframe()) {
                return all.subList(i, all.size());
            }
        }
        return List.of();
    }

    static void assertDecodable(List<Times> t, int reorder, int used) {
        assertThat(t).isNotEmpty();
        for (int i = 0; i < t.size(); i++) {
            assertThat(t.get(i).pts()).as("PTS >= DTS at unit %d", i).isGreaterThanOrEqualTo(t.get(i).dts());
            if (i > 0) {
                assertThat(t.get(i).dts()).as("DTS increases at unit %d", i).isGreaterThan(t.get(i - 1).dts());
            }
        }
        // the stream really reorders this deep: some unit has R units decoded before it and shown after
        int deepest = 0;
        for (int i = 0; i < t.size(); i++) {
            int later = 0;
            for (int j = 0; j < i; j++) {
                later += t.get(j).pts() > t.get(i).pts() ? 1 : 0;
            }
            deepest = Math.max(deepest, later);
        }
        assertThat(deepest).as("reordering in the capture").isEqualTo(used);
        // decoding order with an R-picture output delay: DTS(n) = n−R-th PTS in output order
        long[] sorted = t.stream().mapToLong(Times::pts).sorted().toArray();
        for (int n = reorder + 1; n < t.size(); n++) {
            assertThat(t.get(n).dts()).as("DTS of unit %d", n).isEqualTo(sorted[n - reorder]);
        }
        // the first units, before the first picture is due: 1 ms (90 ticks) apart from the first PTS
        for (int n = 1; n <= reorder; n++) {
            assertThat(t.get(n).dts()).isEqualTo(t.getFirst().pts() + 90L * n);
        }
        assertThat(t.getFirst().dts()).as("first DTS = first PTS: nothing is negative").isEqualTo(t.getFirst().pts());
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyUnitFromTheFirstKeyframeHasAMonotonicDtsNotAfterItsPts(String capture, Codec codec, int frames,
            int reorder, int used) {
        Format f = Captures.format(capture, codec);
        List<Times> all = times(f, Captures.rtp(capture));
        List<Times> t = fromFirstKeyframe(all);
        assertThat(all.getFirst().keyframe()).isTrue();
        // H.265 open GOP: the RASL pictures of the first CRA are dropped, nothing else is
        assertThat(t.size()).isBetween(frames - 8, frames);
        assertDecodable(t, reorder, used);
    }

    @ParameterizedTest
    @MethodSource("captures")
    void rtpTimestampWrapChangesNothing(String capture, Codec codec, int frames, int reorder, int used) {
        Format f = Captures.format(capture, codec);
        List<byte[]> packets = Captures.rtp(capture);
        long first = RtpHeader.timestamp(Unpooled.wrappedBuffer(packets.getFirst()));
        // move the timestamps so that they wrap after one second
        long shift = (1L << 32) - first - 90_000;
        List<byte[]> wrapped = packets.stream().map(p -> withTimestampShift(p, shift)).toList();
        assertThat(times(f, wrapped)).isEqualTo(times(f, packets));
    }

    @ParameterizedTest
    @MethodSource("captures")
    void streamJoinedMidGopStartsAtTheNextKeyframe(String capture, Codec codec, int frames, int reorder, int used) {
        // in-band parameter sets only before the first keyframe (x265, ffmpeg's x264 without global
        // header): joined later, nothing can start
        Assumptions.assumeTrue(codec == Codec.H264 && !capture.contains("high-bf2"));
        Format f = Captures.format(capture, codec);
        List<byte[]> packets = Captures.rtp(capture);
        // start a few frames after the first keyframe
        List<List<byte[]>> aus = Captures.byTimestamp(packets);
        List<byte[]> late = aus.subList(7, aus.size()).stream().flatMap(List::stream).toList();
        List<Times> all = times(f, late);
        List<Times> t = fromFirstKeyframe(all);
        assertThat(all.getFirst().keyframe()).isFalse();
        assertThat(t.size()).isBetween(frames - 40, frames - 20);
        assertDecodable(t, reorder, used);
    }

    @Test
    void h265JoinedAtAnOpenGopCraDropsItsRaslPictures() {
        String capture = "ffmpeg51-h265-bf4-udp";
        List<byte[]> packets = Captures.rtp(capture);
        // x265 sends VPS/SPS/PPS in-band once; give them in the SDP as a camera would
        List<AccessUnit> first = H264DepacketizerTest.depacketize(Captures.format(capture, Codec.H265), packets);
        String[] ps = new String[3];
        List<Integer> types = new ArrayList<>();
        for (AccessUnit au : first) {
            for (ByteBuf n : au.units()) {
                int type = H265Keyframes.nalType(n.getByte(n.readerIndex()));
                if (type >= 32 && type <= 34) {
                    ps[type - 32] = Base64.getEncoder().encodeToString(ByteBufUtil.getBytes(n));
                } else if (type < 32) {
                    types.add(type);
                    break;
                }
            }
        }
        H264DepacketizerTest.releaseAll(first);
        assertThat(types).as("open GOP: CRA (21) with RASL pictures (8, 9)").contains(21).containsAnyOf(8, 9);
        Format f = new Format(96, Codec.H265, "H265", 90000, 0,
                "sprop-vps=" + ps[0] + "; sprop-sps=" + ps[1] + "; sprop-pps=" + ps[2]);
        List<List<byte[]>> aus = Captures.byTimestamp(packets);
        List<byte[]> late = aus.subList(7, aus.size()).stream().flatMap(List::stream).toList();
        List<Times> t = fromFirstKeyframe(times(f, late));
        // the leading pictures right after the first CRA, in the whole stream (where they are decodable)
        int cra = types.indexOf(21);
        assertThat(cra).isGreaterThan(7);
        int rasl = 0;
        for (int i = cra + 1; i < types.size() && types.get(i) <= 9 && types.get(i) >= 6; i++) {
            rasl += types.get(i) >= 8 ? 1 : 0;
        }
        assertThat(rasl).isPositive();
        assertThat(t).hasSize(types.size() - cra - rasl);
        assertDecodable(t, 2, 2);
    }

    static byte[] withTimestampShift(byte[] p, long shift) {
        byte[] c = Arrays.copyOf(p, p.length);
        ByteBuf b = Unpooled.wrappedBuffer(c);
        b.setInt(4, (int) (b.getUnsignedInt(4) + shift));
        return c;
    }
}
