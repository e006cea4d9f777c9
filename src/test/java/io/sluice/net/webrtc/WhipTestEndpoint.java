package io.sluice.net.webrtc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throwaway WHIP endpoint for tests (the real SDP classes live elsewhere): takes the offer, pulls
 * ICE/DTLS parameters, mids and payload types out with regexes, starts a server transport and answers
 * recvonly H264 + Opus, a=setup:passive, with our candidates.
 */
final class WhipTestEndpoint implements AutoCloseable {
    private final HttpServer http;
    private final WebrtcUdpMux mux;
    private final DtlsCertificate cert;
    private final RecordingListener listener;
    final List<WebrtcTransport> transports = new CopyOnWriteArrayList<>();
    volatile String offer;
    volatile String answer;
    volatile int h264Pt = -1;
    volatile long postNanos;

    WhipTestEndpoint(WebrtcUdpMux mux, DtlsCertificate cert, RecordingListener listener) throws IOException {
        this.mux = mux;
        this.cert = cert;
        this.listener = listener;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/live/test/whip";
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            switch (x.getRequestMethod()) {
                case "POST" -> {
                    postNanos = System.nanoTime();
                    offer = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    answer = answer(offer);
                    byte[] body = answer.getBytes(StandardCharsets.UTF_8);
                    x.getResponseHeaders().add("Content-Type", "application/sdp");
                    x.getResponseHeaders().add("Location", "/live/test/whip/session");
                    x.sendResponseHeaders(201, body.length);
                    x.getResponseBody().write(body);
                }
                case "DELETE" -> x.sendResponseHeaders(200, -1);
                default -> x.sendResponseHeaders(405, -1);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            x.sendResponseHeaders(500, -1);
        }
    }

    private String answer(String offer) {
        String ufrag = first(offer, "a=ice-ufrag:(\\S+)");
        String pwd = first(offer, "a=ice-pwd:(\\S+)");
        String fingerprint = first(offer, "a=fingerprint:(\\S+ \\S+)");
        String setup = first(offer, "a=setup:(\\S+)");
        List<String> candidates = all(offer, "a=(candidate:[^\\r\\n]+)");
        WebrtcTransport t = WebrtcTransport.forServer(mux, cert, listener);
        transports.add(t);
        t.start(ufrag, pwd, fingerprint, setup, candidates);

        StringBuilder sdp = new StringBuilder("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
        List<String> mids = new ArrayList<>();
        StringBuilder media = new StringBuilder();
        for (String section : offer.split("(?=\r?\nm=)")) {
            Matcher m = Pattern.compile("\nm=(video|audio) \\d+ (\\S+)").matcher(section);
            if (!m.find()) {
                continue;
            }
            String kind = m.group(1);
            String mid = first(section, "a=mid:(\\S+)");
            String codec = kind.equals("video") ? "H264" : "OPUS";
            String pt = first(section, "(?i)a=rtpmap:(\\d+) " + codec + "/");
            if (kind.equals("video")) {
                h264Pt = Integer.parseInt(pt);
            }
            String rtpmap = first(section, "a=rtpmap:" + pt + " ([^\\r\\n]+)");
            List<String> fmtp = all(section, "a=(fmtp:" + pt + " [^\\r\\n]+)");
            mids.add(mid);
            media.append("m=").append(kind).append(" 9 ").append(m.group(2)).append(' ').append(pt).append("\r\n")
                    .append("c=IN IP4 0.0.0.0\r\na=mid:").append(mid).append("\r\na=recvonly\r\na=rtcp-mux\r\n")
                    .append("a=ice-ufrag:").append(t.localUfrag()).append("\r\na=ice-pwd:").append(t.localPwd())
                    .append("\r\na=fingerprint:").append(t.localFingerprint()).append("\r\na=setup:passive\r\n")
                    .append("a=rtpmap:").append(pt).append(' ').append(rtpmap).append("\r\n");
            for (String f : fmtp) {
                media.append("a=").append(f).append("\r\n");
            }
            for (String c : t.localCandidates()) {
                media.append("a=").append(c).append("\r\n");
            }
            media.append("a=end-of-candidates\r\n");
        }
        sdp.append("a=group:BUNDLE ").append(String.join(" ", mids)).append("\r\n").append(media);
        return sdp.toString();
    }

    private static String first(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        if (!m.find()) {
            throw new IllegalArgumentException("offer has no " + regex);
        }
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

    @Override
    public void close() {
        for (WebrtcTransport t : transports) {
            t.close();
        }
        http.stop(0);
    }
}
