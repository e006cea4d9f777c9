package io.sluice.protocol.mpegts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.stream.Codec;
import io.sluice.stream.Format;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A third party reads what TsFromStream writes: FFmpeg 5.1's ffprobe decodes every frame of a few
 * seconds of real captures muxed to MPEG-TS. Skipped where ffprobe is not installed. To look at the
 * files with other tools, set SLUICE_KEEP_TS to a directory to copy them to.
 */
@Timeout(120)
class TsFfprobeTest {
    private static final long PROBE_TIMEOUT_SECONDS = 60;
    private static boolean ffprobe;

    @TempDir
    Path dir;

    @BeforeAll
    static void findFfprobe() {
        ffprobe = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
                .anyMatch(p -> Files.isExecutable(Path.of(p, "ffprobe")));
    }

    /** Frames ffprobe decoded per codec name. */
    private Map<String, Integer> probe(byte[] ts, String name) throws IOException, InterruptedException {
        assumeTrue(ffprobe, "ffprobe is not installed");
        Path file = dir.resolve(name + ".ts");
        Files.write(file, ts);
        Path errFile = dir.resolve(name + ".err");
        Path jsonFile = dir.resolve(name + ".json");
        // output to files, so that waitFor's timeout bounds the run even if ffprobe hangs
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-of", "json",
                file.toString()).redirectError(errFile.toFile()).redirectOutput(jsonFile.toFile()).start();
        try {
            assertThat(p.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("ffprobe finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        byte[] json = Files.readAllBytes(jsonFile);
        if (System.getenv("SLUICE_KEEP_TS") != null) {
            Files.copy(file, Path.of(System.getenv("SLUICE_KEEP_TS"), name + ".ts"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        String err = Files.readString(errFile, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("ffprobe exit; stderr: %s", err).isZero();
        assertThat(err).as("ffprobe complaints").isEmpty();
        Map<String, Integer> frames = new HashMap<>();
        for (JsonNode s : JsonMapper.builder().build().readTree(json).get("streams")) {
            frames.put(s.get("codec_name").asString(), Integer.parseInt(s.get("nb_read_frames").asString()));
        }
        return frames;
    }

    @Test
    void h264AndAac() throws Exception {
        Format video = CaptureFeed.format(TsFromStreamTest.H264, Codec.H264);
        Format audio = CaptureFeed.format(TsFromStreamTest.AAC, Codec.MPEG4_AUDIO);
        List<CaptureFeed.Packet> v = CaptureFeed.load(TsFromStreamTest.H264, Codec.H264, 0, 3);
        List<CaptureFeed.Packet> a = CaptureFeed.load(TsFromStreamTest.AAC, Codec.MPEG4_AUDIO, 1, 3);
        byte[] ts = TsFromStreamTest.mux(CaptureFeed.desc(video, audio), CaptureFeed.merge(v, a));
        TsTestReader.Result written = TsTestReader.read(ts);
        int videoFrames = written.pes(0x100).size();
        int audioFrames = written.pes(0x101).size();
        assertThat(videoFrames).isEqualTo(180);

        Map<String, Integer> read = probe(ts, "h264-aac");
        assertThat(read).containsOnlyKeys("h264", "aac");
        assertThat(read.get("h264")).isGreaterThanOrEqualTo(videoFrames * 9 / 10);
        assertThat(read.get("aac")).isGreaterThanOrEqualTo(audioFrames * 9 / 10);
    }

    @Test
    void h265AndOpus() throws Exception {
        Format video = CaptureFeed.format(TsFromStreamTest.H265, Codec.H265);
        Format audio = CaptureFeed.format(TsFromStreamTest.OPUS, Codec.OPUS);
        List<CaptureFeed.Packet> v = CaptureFeed.load(TsFromStreamTest.H265, Codec.H265, 0, 2);
        List<CaptureFeed.Packet> a = CaptureFeed.load(TsFromStreamTest.OPUS, Codec.OPUS, 1, 4);
        byte[] ts = TsFromStreamTest.mux(CaptureFeed.desc(video, audio), CaptureFeed.merge(v, a));
        TsTestReader.Result written = TsTestReader.read(ts);
        int videoFrames = written.pes(0x100).size();
        int audioFrames = written.pes(0x101).size();
        assertThat(videoFrames).isEqualTo(120);

        Map<String, Integer> read = probe(ts, "h265-opus");
        assertThat(read).containsOnlyKeys("hevc", "opus");
        assertThat(read.get("hevc")).isGreaterThanOrEqualTo(videoFrames * 9 / 10);
        assertThat(read.get("opus")).isGreaterThanOrEqualTo(audioFrames * 9 / 10);
    }
}
