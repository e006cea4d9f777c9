package io.sluice.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CameraClip is what a real camera or hardware encoder sends — H264 High with B-frames, 6 Mbit/s, 1280x720
 * at 30 fps, a keyframe every 4 s, AAC stereo — encoded once to a file under target/ and then published with
 * {@code ffmpeg -re -stream_loop -1 -c copy}, since encoding 720p at 6 Mbit/s live costs more CPU than the
 * 2-core CI machine has to spare. Publishers print {@code PUBLISHED proto=P rc=RC video_frames=N seconds=S},
 * N being the video frames ffmpeg actually sent (from its -progress output), so a test can compare what
 * arrived with what was sent, not with a nominal rate.
 */
final class CameraClip {
    static final int FPS = 30;
    static final int GOP_SECONDS = 4;
    /** Keyframe interval of {@link #joinClip}. */
    static final int JOIN_GOP_SECONDS = 5;
    /** Three whole GOPs, so each loop starts on a keyframe. */
    static final int CLIP_SECONDS = 12;
    static final String VIDEO_BITRATE = "6M";
    static final int B_FRAMES = 2;

    private static Path clip;

    private CameraClip() {
    }

    /**
     * The clip (MP4: timestamps with B-frame reordering kept), encoded on first use in this JVM, or reused
     * from an earlier run if target/ still has it.
     */
    static synchronized Path file() throws IOException, InterruptedException {
        if (clip != null) {
            return clip;
        }
        Path dir = Path.of(System.getProperty("user.dir"), "target", "camera-clip");
        Files.createDirectories(dir);
        Path out = dir.resolve("camera-720p30-high-bf" + B_FRAMES + "-gop" + GOP_SECONDS + "s-" + VIDEO_BITRATE
                + "-" + CLIP_SECONDS + "s.mp4");
        encode(out, GOP_SECONDS, CLIP_SECONDS);
        clip = out;
        return clip;
    }

    /**
     * A small clip for tests that publish many paths at once (BalancedGroupIT): 426x240 at 30 fps, 300 kbit/s,
     * a keyframe every {@link #GOP_SECONDS} (so the GOP cache covers a target's connect time on a loaded
     * machine), no B-frames, AAC; {@link #CLIP_SECONDS} long, reused from target/ like {@link #file()}.
     */
    static synchronized Path smallClip() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("user.dir"), "target", "camera-clip");
        Files.createDirectories(dir);
        Path out = dir.resolve("small-240p30-gop" + GOP_SECONDS + "s-300k-" + CLIP_SECONDS + "s.mp4");
        encode(out, GOP_SECONDS, CLIP_SECONDS, "426x240", "300k", 0);
        return out;
    }

    /**
     * A single-shot clip of {@code seconds} with a keyframe every {@link #JOIN_GOP_SECONDS} (GopJoinIT: targets
     * join far into a long GOP, and the whole clip plays once, so frame counts follow from media time).
     */
    static synchronized Path joinClip(int seconds) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("user.dir"), "target", "camera-clip");
        Files.createDirectories(dir);
        Path out = dir.resolve("camera-720p30-high-bf" + B_FRAMES + "-gop" + JOIN_GOP_SECONDS + "s-" + VIDEO_BITRATE
                + "-" + seconds + "s.mp4");
        encode(out, JOIN_GOP_SECONDS, seconds);
        return out;
    }

    /** Encodes the camera-like clip to {@code out} unless an earlier run left it there. */
    private static void encode(Path out, int gopSeconds, int seconds) throws IOException, InterruptedException {
        encode(out, gopSeconds, seconds, "1280x720", VIDEO_BITRATE, B_FRAMES);
    }

    private static void encode(Path out, int gopSeconds, int seconds, String size, String bitrate, int bFrames)
            throws IOException, InterruptedException {
        ClipFiles.once(out, tmp -> encodeTo(tmp, gopSeconds, seconds, size, bitrate, bFrames));
    }

    private static void encodeTo(Path tmp, int gopSeconds, int seconds, String size, String bitrate, int bFrames)
            throws IOException, InterruptedException {
        int gop = FPS * gopSeconds;
        Process p = new ProcessBuilder("timeout", "-k", "5", "300", "ffmpeg", "-hide_banner", "-nostdin",
                "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + FPS,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", Integer.toString(seconds), "-map", "0:v", "-map", "1:a",
                "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-bf", Integer.toString(bFrames),
                "-g", Integer.toString(gop), "-keyint_min", Integer.toString(gop), "-sc_threshold", "0",
                "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000", tmp.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(320, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
            p.destroyForcibly();
            throw new IOException("encoding the camera clip failed: " + log);
        }
    }

    /** Video frame count of a clip, by ffprobe (-count_packets: each packet is one frame). */
    static int videoFrames(Path clip) throws IOException, InterruptedException {
        try (Peer p = Peer.command("ffprobe", Map.of(), List.of("timeout", "60", "ffprobe", "-v", "error",
                "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets",
                "-of", "csv=p=0", clip.toString()))) {
            p.await(java.time.Duration.ofSeconds(70));
            return Integer.parseInt(p.lines().getLast().trim());
        }
    }

    /** Plays {@code clip} once with {@code ffmpeg -re -c copy} over RTSP (TCP), bounded in time. */
    static Peer publishRtsp(Path clip, String url, int maxSeconds) throws IOException {
        return Peer.command("publish clip " + url, Map.of(), List.of("timeout", "-k", "5", Integer.toString(maxSeconds),
                "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-re", "-i", clip.toString(),
                "-map", "0", "-c", "copy", "-f", "rtsp", "-rtsp_transport", "tcp", url));
    }

    /** Publishes the clip over RTSP (ANNOUNCE/RECORD, TCP interleaved) for {@code seconds}. */
    static Peer publishRtsp(String url, int seconds) throws IOException, InterruptedException {
        return publish("rtsp", url, seconds, "-f rtsp -rtsp_transport tcp");
    }

    /** Publishes {@code clip} (looped) over RTSP for {@code seconds}, printing PUBLISHED as the others do. */
    static Peer publishRtspLooped(Path clip, String url, int seconds) throws IOException {
        return publish(clip, "rtsp", url, seconds, "-f rtsp -rtsp_transport tcp");
    }

    /** Publishes the clip as FLV over RTMP for {@code seconds}. */
    static Peer publishRtmp(String url, int seconds) throws IOException, InterruptedException {
        return publish("rtmp", url, seconds, "-f flv -flvflags no_duration_filesize");
    }

    /** Publishes the clip as MPEG-TS to an SRT listener (ffmpeg's libsrt caller) with {@code streamid}. */
    static Peer publishSrt(String srtUrl, String streamId, int seconds) throws IOException, InterruptedException {
        // pkt_size 1316 = 7 TS packets, the SRT live-mode payload every peer expects
        return publish("srt", srtUrl + "?mode=caller&pkt_size=1316&latency=120000&linger=1&streamid=" + streamId,
                seconds, "-f mpegts -mpegts_flags resend_headers");
    }

    /**
     * Publishes the clip as MPEG-TS from an ffmpeg SRT listener on {@code port} (mode=listener, what a
     * camera or an encoder that serves SRT does): ffmpeg waits for a caller before it reads the clip.
     */
    static Peer serveSrt(int port, String passphrase, int seconds) throws IOException, InterruptedException {
        return publish("srt", "srt://127.0.0.1:" + port + "?mode=listener&pkt_size=1316&latency=120000"
                + (passphrase.isEmpty() ? "" : "&pbkeylen=16&passphrase=" + passphrase), seconds,
                "-f mpegts -mpegts_flags resend_headers");
    }

    /** Publishes the clip as MPEG-TS over UDP (7 TS packets per datagram, as encoders send) to {@code udpUrl}. */
    static Peer publishUdp(String udpUrl, int seconds) throws IOException, InterruptedException {
        return publish("udp", udpUrl + "?pkt_size=1316", seconds, "-f mpegts -mpegts_flags resend_headers");
    }

    private static Peer publish(String proto, String url, int seconds, String muxer)
            throws IOException, InterruptedException {
        return publish(file(), proto, url, seconds, muxer);
    }

    private static Peer publish(Path clipFile, String proto, String url, int seconds, String muxer)
            throws IOException {
        String script = """
                T=$(mktemp -d /tmp/it-camera.XXXXXX); trap 'rm -rf "$T"' EXIT
                timeout -k 5 %d ffmpeg -hide_banner -nostdin -loglevel warning -progress "$T/progress" \
                  -re -stream_loop -1 -i "$1" -t %d -map 0 -c copy %s "$2" 2> "$T/log"
                RC=$?
                tr '\\r' '\\n' < "$T/log" | grep -a -v -E "^\\s*$" | head -8 | sed 's/^/LOG|/'
                FR=$(grep -a '^frame=' "$T/progress" 2>/dev/null | tail -1 | cut -d= -f2)
                echo "PUBLISHED proto=%s rc=$RC video_frames=${FR:-0} seconds=%d"
                exit $RC
                """.formatted(seconds + 20, seconds, muxer, proto, seconds);
        return Peer.command("camera-publish-" + proto, Map.of(),
                List.of("bash", "-c", script, "publish", clipFile.toString(), url));
    }

    /** The video frames the publisher says it sent (its PUBLISHED line, after it exited). */
    static int sentFrames(Peer publisher) {
        return Integer.parseInt(publisher.result("PUBLISHED").get("video_frames"));
    }
}
