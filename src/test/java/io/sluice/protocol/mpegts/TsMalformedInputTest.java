package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.stream.Codec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged real traffic: each kind of damage is reported through the problem callback, the damaged
 * part is skipped, and the rest of the capture still reaches the stream.
 */
class TsMalformedInputTest {
    private static final String CAPTURE = "ffmpeg51-h264-aac.ts";
    private static final int PMT_PID = 0x1000;
    private static final int VIDEO_PID = 0x100;
    private static final int AUDIO_PID = 0x101;

    private static TsToStreamRun run(byte[] ts) {
        TsToStreamRun r = TsToStreamRun.of(ts, TsTestData.SRT_CHUNK);
        assertThat(r.unreleasedBytes()).isZero();
        assertThat(r.problemCount).isEqualTo(r.problems.size());
        return r;
    }

    private static byte[] without(byte[] ts, int packet) {
        byte[] out = new byte[ts.length - 188];
        System.arraycopy(ts, 0, out, 0, packet * 188);
        System.arraycopy(ts, (packet + 1) * 188, out, packet * 188, ts.length - (packet + 1) * 188);
        return out;
    }

    /** Index of the n-th packet with payload_unit_start_indicator on a PID. */
    private static int nthStart(byte[] ts, int pid, int n) {
        return TsTestData.packetsOf(ts, pid).stream().filter(i -> (ts[i * 188 + 1] & 0x40) != 0).skip(n).findFirst()
                .orElseThrow();
    }

    @Test
    void flippedCrcByteIgnoresThatSectionOnly() {
        byte[] ts = TsTestData.capture(CAPTURE);
        int pmt = TsTestData.packetsOf(ts, PMT_PID).getFirst() * 188;
        int sectionLength = ((ts[pmt + 6] & 0x0f) << 8) | (ts[pmt + 7] & 0xff);
        ts[pmt + 5 + 3 + sectionLength - 1] ^= 0x01; // last CRC byte of the first PMT
        TsToStreamRun r = run(ts);
        assertThat(r.problems).hasSize(1).first().asString()
                .contains("bad CRC in PSI section (table_id 0x2").contains("PID 0x1000");
        // FFmpeg repeats the tables at the next keyframe, 1 s later: the stream starts there
        assertThat(r.desc.medias()).extracting(m -> m.format().codec()).containsExactly(Codec.H264, Codec.MPEG4_AUDIO);
        assertThat(r.aus(0)).hasSize(25);
        assertThat(r.aus(0).getFirst().keyframe()).isTrue();
        assertThat(r.aus(0).getFirst().timestamp()).isEqualTo(223_200);
        assertThat(r.aus(1)).hasSizeGreaterThan(30);
    }

    @Test
    void skippedPacketDropsOnlyTheFrameItBelongedTo() {
        byte[] ts = TsTestData.capture(CAPTURE);
        int start = nthStart(ts, VIDEO_PID, 10);
        List<Integer> video = TsTestData.packetsOf(ts, VIDEO_PID);
        TsToStreamRun r = run(without(ts, video.get(video.indexOf(start) + 1)));
        assertThat(r.problems).hasSize(1).first().asString()
                .contains("PID 0x100: continuity counter jumped from").contains("packets lost");
        assertThat(r.aus(0)).hasSize(49);
        assertThat(r.aus(1)).hasSize(88);
    }

    @Test
    void duplicatePacketIsIgnored() {
        byte[] ts = TsTestData.capture(CAPTURE);
        int dup = TsTestData.packetsOf(ts, VIDEO_PID).get(20);
        List<byte[]> parts = new ArrayList<>();
        parts.add(Arrays.copyOfRange(ts, 0, (dup + 1) * 188));
        parts.add(Arrays.copyOfRange(ts, dup * 188, ts.length));
        TsToStreamRun r = run(TsTestData.concat(parts));
        assertThat(r.problems).isEmpty();
        assertThat(r.aus(0)).hasSize(50);
    }

    @Test
    void truncatedPesIsDropped() {
        byte[] ts = TsTestData.capture(CAPTURE);
        int pes = nthStart(ts, AUDIO_PID, 2) * 188;
        int payload = pes + 4 + ((ts[pes + 3] & 0x20) != 0 ? 1 + (ts[pes + 4] & 0xff) : 0);
        int length = ((ts[payload + 4] & 0xff) << 8) | (ts[payload + 5] & 0xff);
        length += 100; // the PES claims more than it has: the next PES start cuts it short
        ts[payload + 4] = (byte) (length >> 8);
        ts[payload + 5] = (byte) length;
        TsToStreamRun r = run(ts);
        assertThat(r.problems).hasSize(1).first().asString().contains("PID 0x101: truncated PES dropped");
        assertThat(r.aus(0)).hasSize(50);
        assertThat(r.aus(1)).hasSizeBetween(60, 80); // one PES of ~15 frames is gone
        // the sample count resyncs to the next PES's PTS
        assertThat(r.aus(1).stream().mapToLong(TsToStreamRun.Au::timestamp).distinct().count()).isEqualTo(r.aus(1).size());
    }

    @Test
    void garbageBetweenPacketsIsSkipped() {
        byte[] ts = TsTestData.capture(CAPTURE);
        Random random = new Random(42);
        List<byte[]> parts = new ArrayList<>();
        int[] cuts = {40, 123, 250};
        int from = 0;
        for (int cut : cuts) {
            parts.add(Arrays.copyOfRange(ts, from * 188, cut * 188));
            byte[] garbage = new byte[37 + random.nextInt(300)];
            random.nextBytes(garbage);
            garbage[5] = 0x47; // a false sync byte
            parts.add(garbage);
            from = cut;
        }
        parts.add(Arrays.copyOfRange(ts, from * 188, ts.length));
        TsToStreamRun r = run(TsTestData.concat(parts));
        assertThat(r.problems).hasSize(3).allSatisfy(p -> assertThat(p).startsWith("lost MPEG-TS sync at byte"));
        assertThat(r.aus(0)).hasSize(50);
        assertThat(r.aus(1)).hasSize(88);
    }

    @Test
    void streamThatStartsMidPacketResyncs() {
        byte[] ts = TsTestData.capture(CAPTURE);
        TsToStreamRun r = run(Arrays.copyOfRange(ts, 100, ts.length));
        assertThat(r.problems).hasSize(1).first().asString().startsWith("lost MPEG-TS sync at byte 0");
        assertThat(r.aus(0)).hasSize(50);
    }

    @Test
    void transportErrorPacketIsSkippedAndItsFrameDropped() {
        byte[] ts = TsTestData.capture(CAPTURE);
        int p = TsTestData.packetsOf(ts, VIDEO_PID).get(30);
        ts[p * 188 + 1] |= (byte) 0x80;
        TsToStreamRun r = run(ts);
        assertThat(r.problems).hasSize(2);
        assertThat(r.problems.get(0)).contains("transport_error_indicator");
        assertThat(r.problems.get(1)).contains("continuity counter jumped");
        assertThat(r.aus(0)).hasSize(49);
    }

    @Test
    void unknownStreamTypeIsSkippedWithAReason() {
        // the audio entry of the PMT turned into AC-3 (0x81), which Sluice does not read
        byte[] ts = TsTestData.editSections(TsTestData.capture(CAPTURE), PMT_PID, s -> {
            int pos = 12 + (((s[10] & 0x0f) << 8) | (s[11] & 0xff));
            pos += 5 + (((s[pos + 3] & 0x0f) << 8) | (s[pos + 4] & 0xff)); // the second stream
            s[pos] = (byte) 0x81;
        });
        TsToStreamRun r = run(ts);
        assertThat(r.problems).isEmpty();
        assertThat(r.probeReady).isTrue();
        assertThat(r.skipped).isEqualTo("PID 0x101 (stream_type 0x81) is not a supported codec; the track is dropped");
        assertThat(r.desc.medias()).hasSize(1);
        assertThat(r.aus(0)).hasSize(50);
    }

    @Test
    void trackWithoutDataStartsTheStreamWhenProbingExpires() {
        byte[] ts = TsTestData.capture(CAPTURE);
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < ts.length / 188; i++) {
            int pid = ((ts[i * 188 + 1] & 0x1f) << 8) | (ts[i * 188 + 2] & 0xff);
            if (pid != AUDIO_PID) {
                parts.add(Arrays.copyOfRange(ts, i * 188, (i + 1) * 188));
            }
        }
        TsToStreamRun r = run(TsTestData.concat(parts));
        assertThat(r.probeReady).isFalse();
        assertThat(r.desc.medias()).extracting(m -> m.format().codec()).containsExactly(Codec.H264);
        assertThat(r.skipped).isEqualTo("AAC on PID 0x101: no valid ADTS header while probing; the track is dropped");
        assertThat(r.aus(0)).hasSize(50).as("held frames go out first");
    }

    @Test
    void newPmtVersionOnceRunningEndsChangedTracks() {
        // FFmpeg H.264+AAC, then FFmpeg H.265+Opus on the same PIDs under PMT version 1
        byte[] second = TsTestData.editSections(TsTestData.capture("ffmpeg51-h265-opus.ts"), PMT_PID,
                s -> s[5] = (byte) ((s[5] & 0xc1) | 1 << 1));
        TsToStreamRun r = run(TsTestData.concat(List.of(TsTestData.capture(CAPTURE), second)));
        assertThat(r.problems).anySatisfy(p -> assertThat(p).contains("PMT version 1 removes or changes H264 on PID 0x100"))
                .anySatisfy(p -> assertThat(p).contains("PMT version 1 adds PID 0x100 (stream_type 0x24"));
        assertThat(r.aus(0)).hasSize(50).as("no H.265 frame reaches the H.264 track");
    }
}
