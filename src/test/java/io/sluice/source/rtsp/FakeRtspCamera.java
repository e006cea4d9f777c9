package io.sluice.source.rtsp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * FakeRtspCamera is a scripted RTSP server for RtspSource's tests: it answers each request with what the
 * test's script says, records the requests, and lets the script write RTP after an answer (as a camera
 * starts sending after PLAY). One connection at a time, on a thread the test owns through close().
 */
final class FakeRtspCamera implements AutoCloseable {

    /** One request as the camera saw it; header names in lower case. */
    record Request(String method, String uri, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** What to send back: a status, headers, a body, and what to do on the connection after it. */
    record Reply(int status, String reason, Map<String, String> headers, String body, Sender after) {
        static Reply ok(String... headerPairs) {
            Map<String, String> h = new LinkedHashMap<>();
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                h.put(headerPairs[i], headerPairs[i + 1]);
            }
            return new Reply(200, "OK", h, "", null);
        }

        static Reply status(int status, String reason, String... headerPairs) {
            Reply ok = ok(headerPairs);
            return new Reply(status, reason, ok.headers(), "", null);
        }

        Reply body(String sdp) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put("Content-Type", "application/sdp");
            return new Reply(status, reason, h, sdp, after);
        }

        Reply then(Sender s) {
            return new Reply(status, reason, headers, body, s);
        }
    }

    /** Writes to the connection after an answer (RTP, or closing it). */
    interface Sender {
        void send(Socket s) throws IOException;
    }

    private final ServerSocket server;
    private final Function<Request, Reply> script;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("test-fake-camera").factory());
    private volatile Socket conn;

    FakeRtspCamera(Function<Request, Reply> script) throws IOException {
        this.server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        this.script = script;
        thread.submit(this::serve);
    }

    int port() {
        return server.getLocalPort();
    }

    List<Request> requests() {
        return requests;
    }

    List<String> methods() {
        return requests.stream().map(Request::method).toList();
    }

    private Void serve() throws IOException {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                conn = s;
                InputStream in = new BufferedInputStream(s.getInputStream());
                Request r;
                while ((r = read(in)) != null) {
                    requests.add(r);
                    Reply reply = script.apply(r);
                    write(s.getOutputStream(), r, reply);
                    if (reply.after() != null) {
                        reply.after().send(s);
                    }
                }
            } catch (IOException e) {
                if (!server.isClosed()) {
                    continue; // the client went away: wait for its next connection
                }
            }
        }
        return null;
    }

    /** The next request, skipping interleaved frames (the client's receiver reports); null at the end. */
    private static Request read(InputStream in) throws IOException {
        String line;
        while (true) {
            in.mark(1);
            int first = in.read();
            if (first < 0) {
                return null;
            }
            if (first == '$') {
                in.read();
                int len = (in.read() << 8) | in.read();
                in.skipNBytes(len);
                continue;
            }
            in.reset();
            line = readLine(in);
            if (line == null) {
                return null;
            }
            if (!line.isEmpty()) {
                break;
            }
        }
        String[] parts = line.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        String h;
        while ((h = readLine(in)) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return new Request(parts[0], parts[1], headers);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void write(OutputStream out, Request r, Reply reply) throws IOException {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder("RTSP/1.0 " + reply.status() + " " + reply.reason() + "\r\n");
        sb.append("CSeq: ").append(r.header("CSeq")).append("\r\n");
        reply.headers().forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        if (body.length > 0) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** Writes one interleaved frame ('$', channel, length, data, RFC 2326 §10.12). */
    static void interleaved(Socket s, int channel, byte[] packet) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(new byte[] {'$', (byte) channel, (byte) (packet.length >> 8), (byte) packet.length});
        out.write(packet);
        out.flush();
    }

    /** An RTP packet: version 2, marker set, payload type, sequence number, timestamp, SSRC and a payload. */
    static byte[] rtp(int pt, int seq, long ts, long ssrc, byte[] payload) {
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) (0x80 | pt);
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            p[4 + i] = (byte) (ts >> (24 - 8 * i));
            p[8 + i] = (byte) (ssrc >> (24 - 8 * i));
        }
        System.arraycopy(payload, 0, p, 12, payload.length);
        return p;
    }

    /** Closes the current connection (a camera that dies). */
    void dropConnection() throws IOException {
        Socket s = conn;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnection();
        thread.shutdownNow();
        thread.close();
    }
}
