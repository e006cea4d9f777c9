package io.sluice.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * RtmpVideoCapture records, with tshark's RTMPT dissector on {@code lo}, the first bytes of every
 * RTMP video message on one TCP port: the FLV video tag header a receiver gets. It checks the wire
 * where no peer can: ffmpeg 5.1 cannot read Enhanced RTMP, and nginx-rtmp 1.2.2 does not record it
 * (its record module waits for a legacy keyframe, frame type 1, and E-RTMP's first byte reads 9).
 * Start it before the RTMP connection, so the dissector sees the handshake.
 */
final class RtmpVideoCapture implements AutoCloseable {
    /**
     * One video message: its first byte and the next 8 bytes in hex, e.g. 0x91 and "68766331…" = 'hvc1'
     * ({@code headHex} is "" when tshark did not give them).
     */
    record VideoMessage(int control, String headHex) {
        /** E-RTMP ExVideoTagHeader: IsExHeader bit 0x80 of the first byte. */
        boolean ex() {
            return (control & 0x80) != 0;
        }

        /** The FourCC of an E-RTMP tag ("hvc1"), "" for a legacy tag. */
        String fourCc() {
            if (!ex() || headHex.isEmpty()) {
                return "";
            }
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                s.append((char) Integer.parseInt(headHex.substring(i, i + 2), 16));
            }
            return s.toString();
        }

        /** E-RTMP packet type: 0 SequenceStart, 1 CodedFrames, 3 CodedFramesX. */
        int packetType() {
            return control & 0x0f;
        }

        /** E-RTMP frame type: 1 keyframe, 2 inter frame. */
        int frameType() {
            return (control >> 4) & 0x07;
        }
    }

    private final Peer tshark;

    private RtmpVideoCapture(Peer tshark) {
        this.tshark = tshark;
    }

    /** Captures RTMP on TCP {@code port} for {@code seconds}; returns once tshark is capturing. */
    static RtmpVideoCapture start(int port, int seconds) throws IOException, InterruptedException {
        String script = """
                # tshark's stderr ("Capturing on …") goes straight out: mawk would hold it in its input buffer.
                # awk flushes each line whole: a block-buffered flush could split one, and tshark's own stderr
                # lines ("N packets captured") would land inside it.
                exec 2>&1
                timeout -k 2 %d tshark -l -q -i lo -f "tcp port %d" -d tcp.port==%d,rtmpt -a duration:%d \\
                  -Y rtmpt.video.control -T fields -e rtmpt.video.control -e rtmpt.video.data \\
                  | awk -F'\\t' '/^0x/ { n = split($2, d, ","); s = ""; for (i = 1; i <= n; i++) s = s substr(d[i], 1, 16) ",";
                                        print "VIDEO " $1 " " s; fflush() }'
                """.formatted(seconds + 5, port, port, seconds);
        Peer p = Peer.command("tshark rtmp :" + port, Map.of(), List.of("bash", "-c", script));
        if (!p.awaitLine("Capturing on", Duration.ofSeconds(10))) {
            p.close();
            throw new IOException("tshark did not start:\n" + p.output());
        }
        Thread.sleep(300);
        return new RtmpVideoCapture(p);
    }

    /** Waits for the capture to end and returns every video message, in order. */
    List<VideoMessage> messages(Duration max) throws InterruptedException {
        tshark.await(max);
        List<VideoMessage> out = new ArrayList<>();
        for (String l : tshark.lines()) {
            if (!l.startsWith("VIDEO ")) {
                continue;
            }
            String[] f = l.substring(6).trim().split(" ", 2);
            String[] controls = f[0].split(",");
            String[] heads = f.length > 1 ? f[1].split(",") : new String[0];
            // tshark lists every message's first byte, but for a TCP segment that completes several
            // messages it may give fewer data fields: then the bytes cannot be matched, keep only the control.
            boolean aligned = heads.length == controls.length;
            if (!Arrays.stream(controls).allMatch(c -> c.matches("0x[0-9a-fA-F]+"))) {
                throw new IllegalStateException("tshark line not understood: " + l);
            }
            for (int i = 0; i < controls.length; i++) {
                String head = aligned && heads[i].matches("[0-9a-f]{8,}") ? heads[i] : "";
                out.add(new VideoMessage(Integer.decode(controls[i]), head));
            }
        }
        return out;
    }

    String output() {
        return tshark.output();
    }

    @Override
    public void close() {
        tshark.close();
    }
}
