package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The demuxer on real captures (commands in src/test/resources/captures/mpegts/README.md): the PMT's
 * codecs, one PES per frame for video, the audio PES and their time stamps, whatever the chunking.
 */
class TsDemuxerTest {
    static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    /** What a demuxer handed out. */
    static final class Recorder implements TsDemuxer.Listener {
        final List<TsPmt> pmts = new ArrayList<>();
        final Map<TsCodec, List<PesPacket>> pes = new LinkedHashMap<>();
        final Map<TsCodec, List<byte[]>> data = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();

        @Override
        public void onPmt(TsPmt pmt) {
            pmts.add(pmt);
        }

        @Override
        public void onPes(TsElementaryStream stream, PesPacket p) {
            pes.computeIfAbsent(stream.codec(), c -> new ArrayList<>()).add(p);
            data.computeIfAbsent(stream.codec(), c -> new ArrayList<>()).add(ByteBufUtil.getBytes(p.data()));
            p.release();
        }

        List<Long> pts(TsCodec c) {
            return pes.getOrDefault(c, List.of()).stream().map(PesPacket::pts).toList();
        }

        static Recorder run(byte[] ts, int chunk) {
            Recorder r = new Recorder();
            UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
            try (TsDemuxer d = new TsDemuxer(alloc, r.problems::add, r)) {
                TsTestData.feed(ts, chunk, d::feed);
            }
            assertThat(alloc.metric().usedHeapMemory()).as("unreleased bytes").isZero();
            return r;
        }
    }

    static Stream<Arguments> captures() {
        // capture, codecs in PMT order, video PES, audio PES (ffmpeg packs audio frames ~0.35 s per PES)
        return Stream.of(
                Arguments.of("ffmpeg51-h264-aac.ts", List.of(TsCodec.H264, TsCodec.AAC), 50, 6),
                Arguments.of("ffmpeg51-h265-opus.ts", List.of(TsCodec.H265, TsCodec.OPUS), 50, 21),
                Arguments.of("ffmpeg51-h264-mp2.ts", List.of(TsCodec.H264, TsCodec.MPEG_AUDIO), 50, 6),
                Arguments.of("gstreamer122-h264-aac.ts", List.of(TsCodec.H264, TsCodec.AAC), 50, 87),
                Arguments.of("gstreamer122-h264-klv.ts", List.of(TsCodec.H264, TsCodec.KLV), 10, 10));
    }

    @ParameterizedTest
    @MethodSource("captures")
    void capturesDemuxCleanly(String name, List<TsCodec> codecs, int videoPes, int otherPes) {
        Recorder r = Recorder.run(TsTestData.capture(name), TsTestData.SRT_CHUNK);
        assertThat(r.problems).isEmpty();
        assertThat(r.pmts).hasSize(1);
        assertThat(r.pmts.getFirst().streams()).extracting(TsElementaryStream::codec).containsExactlyElementsOf(codecs);
        assertThat(r.pes.keySet()).containsExactlyElementsOf(codecs);
        assertThat(r.pes.get(codecs.get(0))).hasSize(videoPes).allSatisfy(p -> assertThat(p.pts()).isNotNegative());
        assertThat(r.pes.get(codecs.get(1))).hasSize(otherPes);
        // 25 fps (5 fps for the KLV one): the sorted video PTS step by one frame
        long frame = name.contains("klv") ? 18000 : 3600;
        List<Long> pts = r.pts(codecs.get(0)).stream().sorted().toList();
        for (int i = 1; i < pts.size(); i++) {
            assertThat(pts.get(i) - pts.get(i - 1)).as("PTS step %d", i).isEqualTo(frame);
        }
        // every video PES is one Annex B access unit
        assertThat(r.data.get(codecs.get(0))).allSatisfy(b -> assertThat(Arrays.copyOf(b, 3)).containsExactly(0, 0, 0));
    }

    @ParameterizedTest
    @MethodSource("captures")
    void chunkingDoesNotMatter(String name, List<TsCodec> codecs, int videoPes, int otherPes) {
        byte[] ts = TsTestData.capture(name);
        Recorder srt = Recorder.run(ts, TsTestData.SRT_CHUNK);
        for (int chunk : new int[] {188, 1000, 7, 65536}) {
            Recorder r = Recorder.run(ts, chunk);
            assertThat(r.problems).as("chunk %d", chunk).isEmpty();
            for (TsCodec c : codecs) {
                assertThat(r.data.get(c)).as("chunk %d %s", chunk, c).containsExactlyElementsOf(srt.data.get(c));
            }
        }
    }

    @Test
    void ffmpegVideoCarriesDtsAndMarksKeyframes() {
        Recorder r = Recorder.run(TsTestData.capture("ffmpeg51-h264-aac.ts"), TsTestData.SRT_CHUNK);
        List<PesPacket> video = r.pes.get(TsCodec.H264);
        // libx264 with B-frames: the first frame is shown 2 frames after it is decoded
        assertThat(video.getFirst().pts()).isEqualTo(133200);
        assertThat(video.getFirst().dts()).isEqualTo(126000);
        assertThat(video).filteredOn(PesPacket::randomAccess).extracting(PesPacket::pts).containsExactly(133200L, 223200L);
    }

    @Test
    void gstreamerKlvPesAreTheMetadataItems() {
        Recorder r = Recorder.run(TsTestData.capture("gstreamer122-h264-klv.ts"), TsTestData.SRT_CHUNK);
        TsElementaryStream klv = r.pmts.getFirst().streams().get(1);
        assertThat(klv.streamType()).isEqualTo(0x06);
        assertThat(klv.formatId()).isEqualTo("KLVA");
        // each item: 16-byte UAS local set key, BER length 10, tag 2 (precision time stamp), 8 bytes
        assertThat(r.data.get(TsCodec.KLV)).allSatisfy(b -> {
            assertThat(b).hasSize(27);
            assertThat(Arrays.copyOf(b, 4)).containsExactly(0x06, 0x0E, 0x2B, 0x34);
            assertThat(b[16]).isEqualTo((byte) 10);
        });
    }

    @Test
    void opusDescriptorGivesTheChannels() {
        Recorder r = Recorder.run(TsTestData.capture("ffmpeg51-h265-opus.ts"), TsTestData.SRT_CHUNK);
        TsElementaryStream opus = r.pmts.getFirst().streams().get(1);
        assertThat(opus.formatId()).isEqualTo("Opus");
        assertThat(opus.opusChannelCode()).isEqualTo(1);
    }
}
