package io.sluice.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * RtspRtpCapture counts, with tshark on {@code lo}, the RTP packets an RTSP RECORD sink receives over
 * TCP-interleaved transport: per sink port and SSRC, the packets, sequence gaps and marker bits (one per
 * video frame). It checks the wire in front of third-party sinks (ffmpeg, GstRtspServer) that report no
 * sequence numbers themselves. tshark's RTSP dissector maps the interleaved channels to RTP from the SETUP
 * it saw, so start it before the sessions.
 */
final class RtspRtpCapture implements AutoCloseable {
    /** One RTP stream towards a sink. */
    record Channel(long ssrc, int payloadType, long packets, long gaps, long lost, long duplicates, long markers) {
        @Override
        public String toString() {
            return "ssrc %08x pt %d: %d packets, %d gaps (%d lost), %d duplicates, %d markers".formatted(ssrc,
                    payloadType, packets, gaps, lost, duplicates, markers);
        }
    }

    private final Peer tshark;
    private final List<Integer> ports;

    private RtspRtpCapture(Peer tshark, List<Integer> ports) {
        this.tshark = tshark;
        this.ports = ports;
    }

    /** Captures RTSP on the TCP {@code ports} for {@code seconds}; returns once tshark is capturing. */
    static RtspRtpCapture start(List<Integer> ports, int seconds) throws IOException, InterruptedException {
        String filter = ports.stream().map(p -> "tcp port " + p).collect(Collectors.joining(" or "));
        String decodeAs = ports.stream().map(p -> "-d tcp.port==" + p + ",rtsp").collect(Collectors.joining(" "));
        // -B: a 64 MB kernel buffer, so that a loaded machine does not make tshark drop packets (false gaps)
        String script = """
                exec 2>&1
                timeout -k 2 %d tshark -l -q -B 64 -i lo -f "%s" %s -a duration:%d -Y rtp \\
                  -T fields -e tcp.dstport -e rtp.ssrc -e rtp.seq -e rtp.marker -e rtp.p_type \\
                  | awk -F'\\t' '{ print "RTP " $0; fflush() }'
                """.formatted(seconds + 5, filter, decodeAs, seconds);
        Peer p = Peer.command("tshark rtsp " + ports, Map.of(), List.of("bash", "-c", script));
        if (!p.awaitLine("Capturing on", Duration.ofSeconds(10))) {
            p.close();
            throw new IOException("tshark did not start:\n" + p.output());
        }
        Thread.sleep(300);
        return new RtspRtpCapture(p, List.copyOf(ports));
    }

    /** Waits for the capture to end; the RTP streams towards each sink port, by SSRC in order of appearance. */
    Map<Integer, List<Channel>> channels(Duration max) throws InterruptedException {
        tshark.await(max);
        Map<Integer, Map<Long, Counter>> by = new LinkedHashMap<>();
        for (int port : ports) {
            by.put(port, new LinkedHashMap<>());
        }
        for (String line : tshark.output().split("\n")) {
            if (!line.startsWith("RTP ")) {
                continue;
            }
            String[] f = line.substring(4).split("\t", -1);
            if (f.length < 5 || f[0].isEmpty() || f[1].isEmpty()) {
                continue;
            }
            Map<Long, Counter> sink = by.get(Integer.parseInt(f[0].split(",")[0]));
            if (sink == null) {
                continue; // from a sink (its RTCP is not RTP anyway)
            }
            String[] ssrcs = f[1].split(",");
            String[] seqs = f[2].split(",");
            String[] markers = f[3].split(",");
            String[] pts = f[4].split(",");
            for (int i = 0; i < ssrcs.length; i++) {
                long ssrc = Long.decode(ssrcs[i]);
                int pt = Integer.parseInt(pts[i]);
                sink.computeIfAbsent(ssrc, s -> new Counter(pt))
                        .add(Integer.parseInt(seqs[i]), markers[i].equals("1") || markers[i].equalsIgnoreCase("true"));
            }
        }
        Map<Integer, List<Channel>> out = new LinkedHashMap<>();
        by.forEach((port, m) -> {
            List<Channel> cs = new ArrayList<>();
            m.forEach((ssrc, c) -> cs.add(new Channel(ssrc, c.pt, c.packets, c.gaps, c.lost, c.duplicates, c.markers)));
            out.put(port, cs);
        });
        return out;
    }

    /** tshark's own lines (start, packets captured or dropped), for assertion messages. */
    String describe() {
        return tshark.output().lines().filter(l -> !l.startsWith("RTP ")).collect(Collectors.joining("\n"));
    }

    private static final class Counter {
        final int pt;
        long packets;
        long gaps;
        long lost;
        long duplicates;
        long markers;
        int last = -1;

        Counter(int pt) {
            this.pt = pt;
        }

        void add(int seq, boolean marker) {
            if (last >= 0) {
                int d = (seq - last) & 0xffff;
                if (d == 0) {
                    duplicates++; // a TCP retransmission dissected twice
                    return;
                }
                if (d > 1 && d < 0x8000) {
                    gaps++;
                    lost += d - 1;
                }
            }
            last = seq;
            packets++;
            if (marker) {
                markers++;
            }
        }
    }

    @Override
    public void close() {
        tshark.close();
    }
}
