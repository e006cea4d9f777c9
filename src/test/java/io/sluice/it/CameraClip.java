package io.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CameraClip is a camera-like H264 + AAC clip, encoded once by ffmpeg and cached under target/: H264
 * High with 2 B-frames, 6 Mbit/s, 1280x720 at 30 fps, a keyframe every 5 s, 48 kHz AAC. Tests publish
 * it with {@code ffmpeg -re -c copy}, which costs no encoding CPU at run time.
 */
final class CameraClip {
    static final int FPS = 30;
    static final int GOP_SECONDS = 5;

    private CameraClip() {
    }

    /** The clip of {@code seconds}, encoded on first use. */
    static synchronized Path get(int seconds) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("user.dir"), "target", "camera-clip");
        Path clip = dir.resolve("camera-720p-6M-gop5-" + seconds + "s.mkv");
        if (Files.exists(clip) && Files.size(clip) > 0) {
            return clip;
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve("encoding-" + clip.getFileName());
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "5", "600", "ffmpeg", "-hide_banner", "-nostdin",
                "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=" + FPS,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds),
                "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-profile:v", "high", "-preset", "superfast", "-bf", "2",
                "-b:v", "6M", "-maxrate", "6M", "-bufsize", "6M", "-pix_fmt", "yuv420p",
                "-g", Integer.toString(GOP_SECONDS * FPS), "-keyint_min", Integer.toString(GOP_SECONDS * FPS),
                "-sc_threshold", "0", "-c:a", "aac", "-b:a", "64k", "-ac", "1", "-f", "matroska", tmp.toString()));
        try (Peer enc = Peer.command("encode camera clip", Map.of(), cmd)) {
            int rc = enc.await(Duration.ofSeconds(620));
            if (rc != 0) {
                throw new IOException("ffmpeg could not encode the camera clip (rc " + rc + "): " + enc.output());
            }
        }
        Files.move(tmp, clip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return clip;
    }

    /** Video frame count of a clip, by ffprobe (-count_packets: each packet is one frame). */
    static int videoFrames(Path clip) throws IOException, InterruptedException {
        try (Peer p = Peer.command("ffprobe", Map.of(), List.of("timeout", "60", "ffprobe", "-v", "error",
                "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets",
                "-of", "csv=p=0", clip.toString()))) {
            p.await(Duration.ofSeconds(70));
            return Integer.parseInt(p.lines().getLast().trim());
        }
    }

    /** Starts {@code ffmpeg -re -i clip -c copy} publishing over RTSP (TCP), bounded in time. */
    static Peer publishRtsp(Path clip, String url, int maxSeconds) throws IOException {
        return Peer.command("publish clip " + url, Map.of(), List.of("timeout", "-k", "5", Integer.toString(maxSeconds),
                "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-re", "-i", clip.toString(),
                "-map", "0", "-c", "copy", "-f", "rtsp", "-rtsp_transport", "tcp", url));
    }
}
