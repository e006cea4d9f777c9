package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client side (WHIP forwarding) against GStreamer webrtcbin as WHIP server (sink-whip.sh): ICE
 * controlling, DTLS client to OpenSSL with an RSA certificate, SRTP out. The proof that webrtcbin
 * decrypted our SRTP is its RTCP receiver report about our SSRC, which we must decrypt in turn.
 */
@Timeout(60)
class WebrtcWhipClientPeerTest {
    private static final Path PEERS = Path.of(System.getProperty("sluice.peers", "/work/shared/peers"));
    private static final int SSRC = 0x5100CE;

    @Test
    void forwardsToWebrtcbin() throws Exception {
        Path script = PEERS.resolve("sink-whip.sh");
        assumeTrue(Files.isExecutable(script), "no " + script);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("sluice-sink-whip", ".log");
        Process sink = new ProcessBuilder(script.toString(), String.valueOf(port), "12").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        RecordingListener l = new RecordingListener();
        WebrtcTransport t = WebrtcTransport.forClient(DtlsCertificate.generate(), List.of(), "127.0.0.1", l);
        try {
            waitListening(port);
            String offer = offer(t);
            long post = System.nanoTime();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/whip/test")).header("Content-Type", "application/sdp")
                    .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(201);
            String answer = r.body();
            t.start(first(answer, "a=ice-ufrag:(\\S+)"), first(answer, "a=ice-pwd:(\\S+)"),
                    first(answer, "a=fingerprint:(\\S+ \\S+)"), first(answer, "a=setup:(\\S+)"),
                    all(answer, "a=(candidate:[^\\r\\n]+)"));
            l.connected.get(15, TimeUnit.SECONDS);
            System.out.printf("WHIP client: connected %d ms after POST, pair %s, SRTP %s%n",
                    (System.nanoTime() - post) / 1_000_000, t.selectedPair(), t.srtpProfile());
            long deadline = System.nanoTime() + 8_000_000_000L;
            int seq = 0;
            while (System.nanoTime() < deadline && !reportAbout(l, SSRC)) {
                for (int i = 0; i < 3; i++, seq++) {
                    WebrtcLoopbackTest.sendRtp(t, SSRC, seq);
                }
                Thread.sleep(33);
            }
            assertThat(reportAbout(l, SSRC)).as("an RTCP report block about our SSRC from webrtcbin").isTrue();
            assertThat(t.decryptErrors()).isZero();
        } finally {
            t.close();
            sink.descendants().forEach(ProcessHandle::destroy);
            sink.destroy();
            sink.waitFor(5, TimeUnit.SECONDS);
            Files.readAllLines(log).stream().filter(x -> x.matches("(SESSION|STREAM|RECEIVED|HTTP).*"))
                    .forEach(System.out::println);
            Files.deleteIfExists(log);
        }
        WebrtcLoopbackTest.assertNoThreads();
    }

    /** A sendonly H264 offer (BUNDLE, rtcp-mux, actpass) with our complete candidates. */
    private static String offer(WebrtcTransport t) {
        StringBuilder b = new StringBuilder("v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n")
                .append("m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n")
                .append("a=ice-ufrag:").append(t.localUfrag()).append("\r\na=ice-pwd:").append(t.localPwd())
                .append("\r\na=fingerprint:").append(t.localFingerprint()).append("\r\na=setup:actpass\r\n")
                .append("a=rtpmap:96 H264/90000\r\n")
                .append("a=fmtp:96 packetization-mode=1;profile-level-id=42e01f;level-asymmetry-allowed=1\r\n")
                .append("a=ssrc:").append(Integer.toUnsignedString(SSRC)).append(" cname:sluice\r\n");
        for (String c : t.localCandidates()) {
            b.append("a=").append(c).append("\r\n");
        }
        return b.append("a=end-of-candidates\r\n").toString();
    }

    /** Whether a received RTCP compound holds an SR/RR report block whose source is {@code ssrc}. */
    private static boolean reportAbout(RecordingListener l, int ssrc) {
        for (byte[] p : l.rtcp) {
            ByteBuffer b = ByteBuffer.wrap(p);
            while (b.remaining() >= 8) {
                int start = b.position();
                int count = b.get(start) & 0x1F;
                int type = b.get(start + 1) & 0xFF;
                int len = ((b.getShort(start + 2) & 0xFFFF) + 1) * 4;
                int blocks = start + 8 + (type == 200 ? 20 : 0);
                for (int i = 0; (type == 200 || type == 201) && i < count && blocks + 24 * i + 4 <= p.length; i++) {
                    if (b.getInt(blocks + 24 * i) == ssrc) {
                        return true;
                    }
                }
                if (len <= 0 || start + len > p.length) {
                    break;
                }
                b.position(start + len);
            }
        }
        return false;
    }

    private static void waitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("sink-whip.sh did not listen on " + port);
    }

    private static String first(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        assertThat(m.find()).as("answer has " + regex + ":\n" + s).isTrue();
        return m.group(1);
    }

    private static List<String> all(String s, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(s);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
