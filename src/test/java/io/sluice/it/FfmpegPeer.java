package io.sluice.it;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FfmpegPeer runs ffmpeg directly, for the cases the shared peer scripts do not cover: URLs with
 * credentials (the scripts accept only {@code rtsp://127.…}), codecs they do not encode, and ffmpeg's
 * trace log of the RTSP dialog. Every command is bounded by {@code timeout}; output lines follow the
 * scripts' formats ({@code PUBLISHED … rc=}, {@code READ video= frames= audio= frames=}).
 */
final class FfmpegPeer {
    private FfmpegPeer() {
    }

    /**
     * Publishes testsrc2 + sine for {@code seconds} with {@code -f rtsp} over TCP.
     *
     * @param codecs encoder arguments, e.g. "-c:v libx264 … -c:a aac"
     * @param trace  also print ffmpeg's RTSP dialog (requests sent and response lines received) as
     *               {@code LOG|} lines
     */
    static Peer publish(String url, int seconds, String codecs, boolean trace) throws IOException {
        String script = """
                T=$(mktemp -d /tmp/it-pub.XXXXXX); trap 'rm -rf "$T"' EXIT
                timeout -k 5 %d ffmpeg -hide_banner -nostdin -loglevel %s -re \
                  -f lavfi -i testsrc2=size=320x180:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t %d \
                  -map 0:v -map 1:a %s -f rtsp -rtsp_transport tcp "$1" 2> "$T/log"
                RC=$?
                grep -a -o -E "^Authorization: .*|line='(RTSP/1.0|WWW-Authenticate)[^']*'" "$T/log" | head -40 | sed 's/^/LOG|/'
                tr '\\r' '\\n' < "$T/log" | grep -a -v -E "line=|Sending|^--$|frame=" | grep -a -i -E "error|fail|40[0-9]|refused" | head -5 | sed 's/^/LOG|/'
                echo "PUBLISHED proto=rtsp rc=$RC"
                exit $RC
                """.formatted(seconds + 15, trace ? "trace" : "warning", seconds, codecs);
        return Peer.command("ffmpeg-publish " + redacted(url), Map.of(), List.of("bash", "-c", script, "publish", url));
    }

    /** H264 baseline + AAC, as publish-rtsp.sh encodes, at 320x180. */
    static Peer publishH264(String url, int seconds, boolean trace) throws IOException {
        return publish(url, seconds, "-c:v libx264 -profile:v baseline -preset ultrafast -tune zerolatency -g 30 "
                + "-bf 0 -pix_fmt yuv420p -b:v 500k -c:a aac -b:a 64k -ac 1", trace);
    }

    /**
     * Reads {@code url} (RTSP over TCP) for {@code seconds}, copies it into Matroska and counts frames with
     * ffprobe: prints {@code READ video=C frames=N audio=C frames=M rc=RC} as read-rtsp.sh does.
     */
    static Peer read(String url, int seconds) throws IOException {
        String script = """
                T=$(mktemp -d /tmp/it-read.XXXXXX); trap 'rm -rf "$T"' EXIT
                timeout --foreground -s INT -k 5 %d ffmpeg -hide_banner -nostdin -loglevel warning \
                  -analyzeduration 1000000 -probesize 1000000 -rtsp_transport tcp -timeout 5000000 -i "$1" \
                  -map 0 -c copy -f matroska "$T/read.mkv" > "$T/log" 2>&1
                RC=$?
                head -5 "$T/log" | sed 's/^/LOG|/'
                vc=none ac=none vf=0 af=0
                if [ -s "$T/read.mkv" ]; then
                  while IFS='|' read -r ct cn nf; do
                    [ "$ct" = video ] && [ "$vc" = none ] && vc=$cn && vf=$nf
                    [ "$ct" = audio ] && [ "$ac" = none ] && ac=$cn && af=$nf
                  done < <(timeout 60 ffprobe -v error -count_frames -show_entries stream=codec_type,codec_name,nb_read_frames \
                      -of csv=p=0 "$T/read.mkv" | awk -F, '{print $2 "|" $1 "|" $3}')
                fi
                echo "READ proto=rtsp video=$vc frames=$vf audio=$ac frames=$af rc=$RC"
                """.formatted(seconds);
        return Peer.command("ffmpeg-read " + redacted(url), Map.of(), List.of("bash", "-c", script, "read", url));
    }

    /**
     * Publishes testsrc2 + sine as H264 baseline + AAC in FLV to an {@code rtmp://} or {@code rtmps://} URL
     * for {@code seconds}, as publish-rtmp.sh does (that script takes neither rtmps nor non-loopback
     * checks for query strings). Prints {@code PUBLISHED proto=rtmp rc=RC}. ffmpeg does not verify the
     * server's certificate unless told to, so a self-signed RTMPS server is fine.
     */
    static Peer publishRtmp(String url, int seconds) throws IOException {
        String script = """
                T=$(mktemp -d /tmp/it-pub-rtmp.XXXXXX); trap 'rm -rf "$T"' EXIT
                timeout -k 5 %d ffmpeg -hide_banner -nostdin -loglevel warning -re \
                  -f lavfi -i testsrc2=size=320x180:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t %d \
                  -map 0:v -map 1:a -c:v libx264 -profile:v baseline -preset ultrafast -tune zerolatency -g 30 \
                  -keyint_min 30 -sc_threshold 0 -bf 0 -pix_fmt yuv420p -b:v 500k -c:a aac -b:a 64k -ac 1 \
                  -f flv -flvflags no_duration_filesize "$1" 2> "$T/log"
                RC=$?
                tr '\\r' '\\n' < "$T/log" | grep -a -v -E "^\\s*$" | head -8 | sed 's/^/LOG|/'
                echo "PUBLISHED proto=rtmp rc=$RC"
                exit $RC
                """.formatted(seconds + 15, seconds);
        return Peer.command("ffmpeg-publish-rtmp " + redacted(url), Map.of(),
                List.of("bash", "-c", script, "publish", url));
    }

    /**
     * Plays an {@code rtmp://} or {@code rtmps://} URL for {@code seconds}, copies it into Matroska and
     * counts frames: prints {@code READ proto=rtmp video=C frames=N audio=C frames=M rc=RC} as
     * read-rtmp.sh does.
     */
    static Peer readRtmp(String url, int seconds) throws IOException {
        String script = """
                T=$(mktemp -d /tmp/it-read-rtmp.XXXXXX); trap 'rm -rf "$T"' EXIT
                timeout --foreground -s INT -k 5 %d ffmpeg -hide_banner -nostdin -loglevel warning \
                  -analyzeduration 1000000 -probesize 1000000 -rw_timeout 5000000 -f flv -i "$1" \
                  -map 0 -c copy -f matroska "$T/read.mkv" > "$T/log" 2>&1
                RC=$?
                head -5 "$T/log" | sed 's/^/LOG|/'
                vc=none ac=none vf=0 af=0
                if [ -s "$T/read.mkv" ]; then
                  while IFS='|' read -r ct cn nf; do
                    [ "$ct" = video ] && [ "$vc" = none ] && vc=$cn && vf=$nf
                    [ "$ct" = audio ] && [ "$ac" = none ] && ac=$cn && af=$nf
                  done < <(timeout 60 ffprobe -v error -count_frames -show_entries stream=codec_type,codec_name,nb_read_frames \
                      -of csv=p=0 "$T/read.mkv" | awk -F, '{print $2 "|" $1 "|" $3}')
                fi
                echo "READ proto=rtmp video=$vc frames=$vf audio=$ac frames=$af rc=$RC"
                """.formatted(seconds);
        return Peer.command("ffmpeg-read-rtmp " + redacted(url), Map.of(), List.of("bash", "-c", script, "read", url));
    }

    /** {@code READ} fields with frame counts as numbers: video, frames (video), audio, frames.2 (audio). */
    static Map<String, String> readResult(Peer p) {
        return new HashMap<>(p.result("READ"));
    }

    private static String redacted(String url) {
        return url.replaceAll("//[^/@]*@", "//***@").replaceAll("pass=[^&]*", "pass=***");
    }
}
