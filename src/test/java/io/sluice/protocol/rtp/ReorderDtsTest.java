package io.sluice.protocol.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DTS derivation on hand-made streams: what the captures do not have (an H.264 SPS without VUI, where
 * the slice headers' POC must reveal the reordering; broken slice headers; a reorder depth the SPS
 * understates; a timestamp jump).
 */
class ReorderDtsTest {
    private static final int FRAME = 3000; // 30 fps at 90 kHz
    private static final Format H264 = new Format(96, Codec.H264, "H264", 90000, 0, "packetization-mode=1");

    /** Bit writer for hand-made SPS and slice headers. */
    static final class Bits {
        private final StringBuilder s = new StringBuilder();

        Bits u(int bits, long v) {
            for (int i = bits - 1; i >= 0; i--) {
                s.append((v >> i & 1) == 1 ? '1' : '0');
            }
            return this;
        }

        Bits ue(int v) {
            int len = 32 - Integer.numberOfLeadingZeros(v + 1);
            return u(len - 1, 0).u(len, v + 1);
        }

        byte[] nalu(int header) {
            s.append('1'); // rbsp_stop_one_bit
            while (s.length() % 8 != 0) {
                s.append('0');
            }
            byte[] out = new byte[1 + s.length() / 8];
            out[0] = (byte) header;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == '1') {
                    out[1 + i / 8] |= (byte) (0x80 >> (i % 8));
                }
            }
            return out;
        }
    }

    /** Main-profile SPS, 320x240, POC type 0 with 6-bit lsb, 4-bit frame_num, no VUI. */
    static byte[] spsWithoutVui() {
        return new Bits().u(8, 77).u(8, 0).u(8, 30).ue(0).ue(0).ue(0).ue(2).ue(2).u(1, 0).ue(19).ue(14)
                .u(1, 1).u(1, 1).u(1, 0).u(1, 0).nalu(0x67);
    }

    static byte[] slice(boolean idr, int frameNum, int pocLsb) {
        Bits b = new Bits().ue(0).ue(idr ? 7 : 5).ue(0).u(4, frameNum);
        if (idr) {
            b.ue(0);
        }
        return b.u(6, pocLsb).u(8, 0xa5).nalu(idr ? 0x65 : 0x41);
    }

    /** Decoding-order pictures as {pts in frames, poc}; the first is the IDR. */
    static List<Long> offsets(H264DtsExtractor x, int[][] pictures, boolean spsInBand) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < pictures.length; i++) {
            List<ByteBuf> nalus = new ArrayList<>();
            if (i == 0 && spsInBand) {
                nalus.add(Unpooled.wrappedBuffer(spsWithoutVui()));
            }
            nalus.add(Unpooled.wrappedBuffer(slice(i == 0, i & 15, pictures[i][1] & 63)));
            out.add(x.ptsOffset(nalus, 1000L + (long) pictures[i][0] * FRAME));
        }
        return out;
    }

    static void assertMonotonicNotAfterPts(int[][] pictures, List<Long> offsets) {
        long prev = Long.MIN_VALUE;
        for (int i = 0; i < pictures.length; i++) {
            long pts = (long) pictures[i][0] * FRAME;
            long dts = pts - offsets.get(i);
            assertThat(dts).as("PTS >= DTS at %d", i).isLessThanOrEqualTo(pts);
            assertThat(dts).as("DTS increases at %d", i).isGreaterThan(prev);
            prev = dts;
        }
    }

    @Test
    void withoutVuiThePocJumpOfAPFrameAnnouncesItsBframes() {
        // I0 P3 B1 B2 P6 B4 B5 P9 B7 B8: POC = 2 × output index
        int[][] pics = {{0, 0}, {3, 6}, {1, 2}, {2, 4}, {6, 12}, {4, 8}, {5, 10}, {9, 18}, {7, 14}, {8, 16}};
        H264DtsExtractor x = new H264DtsExtractor(H264);
        List<Long> off = offsets(x, pics, true);
        assertMonotonicNotAfterPts(pics, off);
        assertThat(x.violations()).isZero();
        assertThat(x.badUnits()).isZero();
        // from the P-frame after the first B on, DTS = PTS of the picture one place earlier in output order
        assertThat(off.subList(4, 10)).containsExactly(3L * FRAME, 0L, 0L, 3L * FRAME, 0L, 0L);
    }

    @Test
    void withoutVuiABpyramidIsFoundTwoLevelsDeep() {
        // I0 P4 B2 b1 b3 P8 B6 b5 b7 P12 B10 b9 b11 (POC = 2 × output index, POC lsb wraps at 64)
        int[][] pics = {{0, 0}, {4, 8}, {2, 4}, {1, 2}, {3, 6}, {8, 16}, {6, 12}, {5, 10}, {7, 14},
            {12, 24}, {10, 20}, {9, 18}, {11, 22}, {16, 32}, {14, 28}, {13, 26}, {15, 30}, {20, 40}, {18, 36},
            {17, 34}, {19, 38}, {24, 48}, {22, 44}, {21, 42}, {23, 46}, {28, 56}, {26, 52}, {25, 50}, {27, 54},
            {32, 64}, {30, 60}, {29, 58}, {31, 62}};
        H264DtsExtractor x = new H264DtsExtractor(H264);
        List<Long> off = offsets(x, pics, true);
        assertMonotonicNotAfterPts(pics, off);
        assertThat(x.violations()).isZero();
        // found at the first B (index 2): from there on DTS(n) = the PTS two places earlier in output order
        for (int n = 3; n < pics.length; n++) {
            assertThat((long) pics[n][0] * FRAME - off.get(n)).as("DTS of %d", n).isEqualTo((n - 2L) * FRAME);
        }
    }

    @Test
    void aBrokenSliceHeaderGetsThePreviousDtsPlusOneTick() {
        int[][] pics = {{0, 0}, {3, 6}, {1, 2}, {2, 4}, {6, 12}, {4, 8}, {5, 10}};
        H264DtsExtractor x = new H264DtsExtractor(H264);
        List<Long> off = offsets(x, pics, true);
        // the same stream with the slice header of the P-frame at index 4 cut after its NAL header
        H264DtsExtractor y = new H264DtsExtractor(H264);
        List<Long> got = new ArrayList<>();
        for (int i = 0; i < pics.length; i++) {
            List<ByteBuf> nalus = new ArrayList<>();
            if (i == 0) {
                nalus.add(Unpooled.wrappedBuffer(spsWithoutVui()));
            }
            byte[] s = i == 4 ? new byte[] {0x41} : slice(i == 0, i, pics[i][1]);
            nalus.add(Unpooled.wrappedBuffer(s));
            got.add(y.ptsOffset(nalus, 1000L + (long) pics[i][0] * FRAME));
        }
        assertThat(y.badUnits()).isEqualTo(1);
        long prevDts = (long) pics[3][0] * FRAME - got.get(3);
        assertThat((long) pics[4][0] * FRAME - got.get(4)).isEqualTo(prevDts + 1);
        assertMonotonicNotAfterPts(pics, got);
        assertThat(got.subList(0, 4)).isEqualTo(off.subList(0, 4));
    }

    @Test
    void unitsBeforeTheFirstIdrKeepDtsEqualToPts() {
        H264DtsExtractor x = new H264DtsExtractor(H264);
        List<ByteBuf> p = List.of(Unpooled.wrappedBuffer(spsWithoutVui()), Unpooled.wrappedBuffer(slice(false, 3, 6)));
        assertThat(x.ptsOffset(p, 5000)).isZero();
        assertThat(x.ptsOffset(List.of(Unpooled.wrappedBuffer(slice(true, 0, 0))), 8000)).isZero();
        assertThat(x.ptsOffset(List.of(Unpooled.wrappedBuffer(slice(false, 1, 6))), 8000 + 3 * FRAME)).as("a P-frame 3 frames ahead: 1 ms after the IDR").isEqualTo(3 * FRAME - 90);
    }

    @Test
    void reorderingDeeperThanDeclaredIsCountedOnceAndThenFollowed() {
        ReorderDts d = new ReorderDts(90000);
        d.atLeast(0); // an SPS that says "no reordering", wrongly
        long[] pts = {0, 3, 1, 2, 6, 4, 5, 9, 7, 8, 12, 10, 11};
        List<Long> dts = new ArrayList<>();
        for (long p : pts) {
            dts.add(p * FRAME - d.ptsOffset(p * FRAME));
        }
        assertThat(d.reorder()).isEqualTo(1);
        assertThat(d.violations()).isBetween(1L, 2L);
        for (int i = 1; i < dts.size(); i++) {
            assertThat(dts.get(i)).isGreaterThan(dts.get(i - 1));
        }
        for (int i = 5; i < pts.length; i++) {
            assertThat(dts.get(i)).as("unit %d", i).isLessThanOrEqualTo(pts[i] * FRAME);
        }
    }

    @Test
    void aTimestampJumpStartsANewRun() {
        ReorderDts d = new ReorderDts(90000);
        d.atLeast(1);
        for (long p : new long[] {0, 3, 1, 2}) {
            d.ptsOffset(p * FRAME);
        }
        long far = 0xffff_ffffL & (2 * FRAME + 60L * 90000); // a minute later: a new encoder
        assertThat(d.ptsOffset(far)).as("first of a run: DTS = PTS").isZero();
        assertThat(d.ptsOffset(far + 3 * FRAME)).isEqualTo(3 * FRAME - 90);
    }
}
