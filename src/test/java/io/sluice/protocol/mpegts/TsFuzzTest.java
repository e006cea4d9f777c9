package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Randomly damaged captures (flipped bits, cut and repeated ranges, odd chunk sizes): nothing may be
 * thrown out of {@link TsToStream} and every buffer must come back. Each seed is reproducible.
 */
class TsFuzzTest {
    private static final String[] CAPTURES = {"ffmpeg51-h264-aac.ts", "ffmpeg51-h265-opus.ts", "ffmpeg51-h264-mp2.ts",
        "gstreamer122-h264-aac.ts", "gstreamer122-h264-klv.ts"};

    static IntStream seeds() {
        return IntStream.range(0, 100);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void damagedCaptureNeverThrowsOrLeaks(int seed) {
        Random random = new Random(seed);
        byte[] ts = TsTestData.capture(CAPTURES[seed % CAPTURES.length]);
        byte[] damaged = damage(ts, random);
        int chunk = random.nextBoolean() ? TsTestData.SRT_CHUNK : 1 + random.nextInt(3000);
        TsToStreamRun r = TsToStreamRun.of(damaged, chunk);
        assertThat(r.unreleasedBytes()).isZero();
        assertThat(r.problemCount).isEqualTo(r.problems.size());
    }

    private static byte[] damage(byte[] ts, Random random) {
        byte[] out = ts.clone();
        int edits = 1 + random.nextInt(40);
        for (int i = 0; i < edits; i++) {
            switch (random.nextInt(4)) {
                case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                case 2 -> { // cut a range
                    int from = random.nextInt(out.length);
                    int len = Math.min(out.length - from, random.nextInt(600));
                    byte[] cut = new byte[out.length - len];
                    System.arraycopy(out, 0, cut, 0, from);
                    System.arraycopy(out, from + len, cut, from, out.length - from - len);
                    out = cut;
                }
                default -> { // repeat a range
                    int from = random.nextInt(out.length);
                    int len = Math.min(out.length - from, random.nextInt(600));
                    byte[] rep = Arrays.copyOf(out, out.length + len);
                    System.arraycopy(out, from, rep, from + len, out.length - from);
                    out = rep;
                }
            }
        }
        return out;
    }
}
