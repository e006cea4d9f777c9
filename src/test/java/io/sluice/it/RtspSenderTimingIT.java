package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publisher's sender timing is carried through: an RTSP publisher whose sender reports put audio
 * 200 ms after video (for equal media times) and whose NTP clock is an hour behind ours; the sender
 * reports that reach an RTSP reader and two RTSP targets (TCP and UDP) must state the same offset and
 * the same clock, not the arrival times Sluice saw. The RTP timestamps of video start just below 2^32
 * and wrap during the test.
 */
@Timeout(90)
class RtspSenderTimingIT {
    static final int SECONDS = 13;
    static final double AUDIO_LATER = 0.200;
    static final long V0 = 0xffff_0000L;
    static final long A0 = 123_456L;
    static final String SDP = """
            v=0\r
            o=- 0 0 IN IP4 127.0.0.1\r
            s=crafted\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=video 0 RTP/AVP 96\r
            a=rtpmap:96 H264/90000\r
            a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAFdkBQfsBagwMDUoAAAMAAgAAAwB5HixckA==,aMuMsg==;profile-level-id=42c015\r
            a=control:trackID=0\r
            m=audio 0 RTP/AVP 111\r
            a=rtpmap:111 opus/48000/2\r
            a=control:trackID=1\r
            """;

    @Test
    void audioVideoOffsetAndClockOfThePublisherReachReaderAndTargets() throws Exception {
        try (RtspRecordServer target = new RtspRecordServer()) {
            String yaml = """
                    paths:
                      live/sync:
                        forwardTargets:
                          - id: tcp
                            url: rtsp://127.0.0.1:%d/t/tcp
                            rtspConfig: {transport: tcp}
                          - id: udp
                            url: rtsp://127.0.0.1:%d/t/udp
                            rtspConfig: {transport: udp, udpReceiverReportTimeout: 0s}
                    """.formatted(target.port(), target.port());
            try (SluiceUnderTest sluice = SluiceUnderTest.start(yaml)) {
                long ntpBase = ntp(System.currentTimeMillis() - 3_600_000L);
                List<long[]> readerSrs = readWhileCraftedPublish(sluice, ntpBase, -1);

                // the local RTSP reader (RtspConn)
                assertOffset("reader", readerSrs, ntpBase);
                // the targets (RtspDest), over TCP and over UDP
                for (boolean udp : new boolean[] {false, true}) {
                    List<long[]> srs = new ArrayList<>();
                    synchronized (target.senderReports) {
                        for (RtspRecordServer.Sr s : target.senderReports) {
                            if (s.udp() == udp) {
                                srs.add(new long[] {s.media(), s.ntp(), s.rtp()});
                            }
                        }
                    }
                    assertOffset(udp ? "UDP target" : "TCP target", srs, ntpBase);
                }
            }
        }
    }

    @Test
    void udpPublishersSenderReportsReachTheReader() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("paths:\n  live/sync: {}\n")) {
            long ntpBase = ntp(System.currentTimeMillis() - 3_600_000L);
            List<long[]> readerSrs = readWhileCraftedPublish(sluice, ntpBase, sluice.rtpPort);
            assertOffset("reader of a UDP publisher", readerSrs, ntpBase);
        }
    }

    /**
     * Runs the crafted publisher on live/sync (RTP over TCP, or over UDP to {@code udpRtpPort} when it is not -1)
     * and returns the sender reports a raw RTSP reader of the path got meanwhile, as {media, ntp, rtp}.
     */
    private static List<long[]> readWhileCraftedPublish(SluiceUnderTest sluice, long ntpBase, int udpRtpPort)
            throws Exception {
        CraftedPublisher pub = new CraftedPublisher(sluice.rtspPort, "live/sync", ntpBase, udpRtpPort);
        Thread publishing = Thread.ofPlatform().name("it-crafted-publisher").start(pub);
        List<long[]> readerSrs;
        try {
            assertThat(Wait.until(() -> sluice.server().paths().get("live/sync") != null
                    && sluice.server().paths().get("live/sync").stream() != null, java.time.Duration.ofSeconds(10)))
                    .as("publisher up").isTrue();
            readerSrs = readSenderReports(sluice.rtspPort, "live/sync", SECONDS - 3);
        } finally {
            publishing.join(30_000);
            pub.close();
        }
        assertThat(pub.failure).as("publisher").isNull();
        return readerSrs;
    }

    @Test
    void rtmpPublisherTracksShareOneOrigin() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("paths:\n  live/test: {}\n");
                Peer pub = Peer.start("publish-rtmp.sh", sluice.rtmp("live/test"), "12")) {
            assertSharedOrigin("RTMP (ffmpeg)", sluice, pub);
        }
    }

    @Test
    void srtPublisherTracksShareOneOrigin() throws Exception {
        try (SluiceUnderTest sluice = SluiceUnderTest.start("paths:\n  live/test: {}\n");
                Peer pub = Peer.start("publish-srt.sh", sluice.srt(), "publish:live/test", "12")) {
            assertSharedOrigin("SRT (ffmpeg)", sluice, pub);
        }
    }

    /**
     * RTMP/SRT sources stamp audio and video on one clock that starts at 0 for both (FLV ms, PTS), and
     * Sluice makes RTP timestamps from it; so the NTP time of RTP timestamp 0 must be the same for
     * both medias in every sender report a reader gets, whatever the arrival times were.
     */
    private static void assertSharedOrigin(String who, SluiceUnderTest sluice, Peer pub) throws Exception {
        assertThat(Wait.until(() -> sluice.server().paths().get("live/test") != null
                && sluice.server().paths().get("live/test").stream() != null, java.time.Duration.ofSeconds(15)))
                .as(who + " publisher up: " + pub.output()).isTrue();
        int[] rates = sluice.server().paths().get("live/test").stream().desc().medias().stream()
                .mapToInt(m -> m.format().clockRate()).toArray();
        assertThat(rates).hasSize(2);
        List<long[]> srs = readSenderReports(sluice.rtspPort, "live/test", 8);
        List<Double> zero = new ArrayList<>();
        double[] last = {Double.NaN, Double.NaN};
        for (long[] sr : srs) {
            int m = (int) sr[0];
            // NTP of RTP timestamp 0: timestamps stay below 2^31 in a short test, no wrap to undo
            last[m] = seconds(sr[1]) - sr[2] / (double) rates[m];
            if (!Double.isNaN(last[0]) && !Double.isNaN(last[1])) {
                zero.add(last[1] - last[0]);
            }
        }
        assertThat(zero).as(who + " sender report pairs: " + srs.size()).isNotEmpty();
        for (double d : zero) {
            // within 2 ms: the first audio frame's FLV time is rounded to the millisecond
            assertThat(d).as(who + ": audio minus video origin, seconds").isCloseTo(0.0, Offset.offset(0.002));
        }
    }

    /** Checks every video/audio pair of sender reports: the publisher's clock and offset, within 2 ms. */
    private static void assertOffset(String who, List<long[]> srs, long ntpBase) {
        List<Double> video = new ArrayList<>();
        List<Double> audio = new ArrayList<>();
        for (long[] s : srs) {
            // NTP seconds at media time 0 of each media (V0, A0), from this report
            if (s[0] == 0) {
                video.add(seconds(s[1]) - (int) (s[2] - V0) / 90000.0);
            } else {
                audio.add(seconds(s[1]) - (int) (s[2] - A0) / 48000.0);
            }
        }
        assertThat(video).as(who + " video sender reports").isNotEmpty();
        assertThat(audio).as(who + " audio sender reports").isNotEmpty();
        double base = seconds(ntpBase);
        for (double v : video) {
            assertThat(v).as(who + ": video clock is the publisher's").isCloseTo(base, Offset.offset(0.002));
        }
        for (double a : audio) {
            assertThat(a - base).as(who + ": audio offset is the publisher's").isCloseTo(AUDIO_LATER,
                    Offset.offset(0.002));
        }
    }

    private static double seconds(long ntp) {
        return (ntp >>> 32) + (ntp & 0xffffffffL) / 4294967296.0;
    }

    private static long ntp(long unixMillis) {
        long seconds = unixMillis / 1000 + 2_208_988_800L;
        return (seconds << 32) | (((unixMillis % 1000) << 32) / 1000);
    }

    /** Reads the stream over TCP for a while: the sender reports (media, NTP, RTP) that came. */
    private static List<long[]> readSenderReports(int port, String path, int seconds) throws IOException {
        List<long[]> out = new ArrayList<>();
        String url = "rtsp://127.0.0.1:" + port + "/" + path;
        try (Rtsp c = new Rtsp(port)) {
            c.request("DESCRIBE " + url, "Accept: application/sdp");
            String session = c.request("SETUP " + url + "/trackID=0",
                    "Transport: RTP/AVP/TCP;unicast;interleaved=0-1").split(";")[0];
            c.request("SETUP " + url + "/trackID=1", "Transport: RTP/AVP/TCP;unicast;interleaved=2-3",
                    "Session: " + session);
            c.request("PLAY " + url, "Session: " + session);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                byte[] f = c.frame();
                if (f == null) {
                    break;
                }
                int channel = f[0] & 0xff;
                if ((channel & 1) == 1 && f.length >= 21 && (f[2] & 0xff) == 200) {
                    ByteBuffer b = ByteBuffer.wrap(f, 1, f.length - 1);
                    out.add(new long[] {channel / 2, b.getLong(9), b.getInt(17) & 0xffffffffL});
                }
            }
        }
        return out;
    }

    /** A minimal RTSP client that also reads interleaved frames. */
    private static final class Rtsp implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private int cseq;

        Rtsp(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(5000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** Sends a request, returns its Session header ("" if none); fails unless 200. */
        String request(String methodAndUrl, String... headers) throws IOException {
            return requestWithBody(methodAndUrl, "", headers);
        }

        String requestWithBody(String methodAndUrl, String body, String... headers) throws IOException {
            StringBuilder sb = new StringBuilder(methodAndUrl + " RTSP/1.0\r\nCSeq: " + ++cseq + "\r\n");
            for (String h : headers) {
                sb.append(h).append("\r\n");
            }
            if (!body.isEmpty()) {
                sb.append("Content-Length: ").append(body.length()).append("\r\n");
            }
            out.write(sb.append("\r\n").append(body).toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = line();
            assertThat(status).as(methodAndUrl).startsWith("RTSP/1.0 200");
            String session = "";
            int length = 0;
            for (String l = line(); !l.isEmpty(); l = line()) {
                String lower = l.toLowerCase(Locale.ROOT);
                if (lower.startsWith("session:")) {
                    session = l.substring(8).trim();
                } else if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(l.substring(15).trim());
                }
            }
            in.readNBytes(length);
            return session;
        }

        /** The next interleaved frame as channel byte + payload; null when the stream ended. */
        byte[] frame() throws IOException {
            try {
                int b = in.read();
                if (b != '$') {
                    return null;
                }
                int channel = in.readUnsignedByte();
                byte[] f = new byte[1 + in.readUnsignedShort()];
                f[0] = (byte) channel;
                in.readFully(f, 1, f.length - 1);
                return f;
            } catch (SocketTimeoutException e) {
                return null;
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                b.write(c);
            }
            String s = b.toString(StandardCharsets.US_ASCII);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * An RTSP publisher over TCP that sends H.264 (IDR pictures only, 25 fps) and Opus (20 ms) in real
     * time, and every second a sender report per media whose NTP times put audio {@link #AUDIO_LATER}
     * after video for equal media times.
     */
    static final class CraftedPublisher implements Runnable, AutoCloseable {
        private final int port;
        private final String path;
        private final long ntpBase;
        /** Sluice's RTP port (RTCP is the next one) to publish over UDP, or -1 for TCP interleaved. */
        private final int serverRtpPort;
        private final List<AutoCloseable> sockets = Collections.synchronizedList(new ArrayList<>());
        /** For UDP: per media, the RTP and the RTCP socket. */
        private final java.net.DatagramSocket[] udp = new java.net.DatagramSocket[4];
        volatile Exception failure;

        CraftedPublisher(int port, String path, long ntpBase, int serverRtpPort) {
            this.port = port;
            this.path = path;
            this.ntpBase = ntpBase;
            this.serverRtpPort = serverRtpPort;
        }

        @Override
        public void run() {
            String url = "rtsp://127.0.0.1:" + port + "/" + path;
            try (Rtsp c = new Rtsp(port)) {
                sockets.add(c);
                c.requestWithBody("ANNOUNCE " + url, SDP, "Content-Type: application/sdp");
                String session = c.request("SETUP " + url + "/trackID=0", "Transport: " + transport(0)).split(";")[0];
                c.request("SETUP " + url + "/trackID=1", "Transport: " + transport(1), "Session: " + session);
                c.request("RECORD " + url, "Session: " + session);
                stream(c.out);
            } catch (Exception e) {
                failure = e;
            }
        }

        private void stream(OutputStream out) throws IOException, InterruptedException {
            long start = System.nanoTime();
            int vseq = 0;
            int aseq = 0;
            long nextVideo = 0;
            long nextAudio = 0;
            long nextSr = 0;
            long ms;
            while ((ms = (System.nanoTime() - start) / 1_000_000) < SECONDS * 1000L) {
                if (ms >= nextSr) {
                    double t = nextSr / 1000.0;
                    frame(out, 1, sr(0x1111, ntpBase + (long) (t * 4294967296.0), V0 + (long) (t * 90000)));
                    frame(out, 3, sr(0x2222, ntpBase + (long) ((t + AUDIO_LATER) * 4294967296.0),
                            A0 + (long) (t * 48000)));
                    nextSr += 1000;
                }
                if (ms >= nextVideo) {
                    byte[] idr = new byte[200];
                    idr[0] = 0x65;
                    frame(out, 0, rtp(96, vseq++, V0 + nextVideo * 90, 0x1111, true, idr));
                    nextVideo += 40;
                }
                if (ms >= nextAudio) {
                    frame(out, 2, rtp(111, aseq++, A0 + nextAudio * 48, 0x2222, true, new byte[] {(byte) 0xfc, 1, 2}));
                    nextAudio += 20;
                }
                out.flush();
                Thread.sleep(2);
            }
        }

        private String transport(int media) throws IOException {
            if (serverRtpPort < 0) {
                return "RTP/AVP/TCP;unicast;interleaved=" + 2 * media + "-" + (2 * media + 1) + ";mode=record";
            }
            for (int i = 0; i < 2; i++) {
                udp[2 * media + i] = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
                sockets.add(udp[2 * media + i]);
            }
            return "RTP/AVP;unicast;client_port=" + udp[2 * media].getLocalPort() + "-"
                    + udp[2 * media + 1].getLocalPort() + ";mode=record";
        }

        /** Channel 2m is media m's RTP, 2m+1 its RTCP: interleaved, or from its own UDP socket. */
        private void frame(OutputStream out, int channel, byte[] payload) throws IOException {
            if (serverRtpPort >= 0) {
                udp[channel].send(new java.net.DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(),
                        serverRtpPort + (channel & 1)));
                return;
            }
            out.write(new byte[] {'$', (byte) channel, (byte) (payload.length >> 8), (byte) payload.length});
            out.write(payload);
        }

        private static byte[] rtp(int pt, int seq, long ts, int ssrc, boolean marker, byte[] payload) {
            ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
            b.put((byte) 0x80).put((byte) ((marker ? 0x80 : 0) | pt)).putShort((short) seq).putInt((int) ts)
                    .putInt(ssrc).put(payload);
            return b.array();
        }

        private static byte[] sr(int ssrc, long ntp, long rtp) {
            ByteBuffer b = ByteBuffer.allocate(28);
            b.put((byte) 0x80).put((byte) 200).putShort((short) 6).putInt(ssrc).putLong(ntp).putInt((int) rtp)
                    .putInt(0).putInt(0);
            return b.array();
        }

        @Override
        public void close() throws Exception {
            synchronized (sockets) {
                for (AutoCloseable s : sockets) {
                    s.close();
                }
            }
        }
    }
}
