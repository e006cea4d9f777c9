package io.sluice.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * RawRtsp is a bare RTSP/1.0 client over one TCP connection, for requests no real peer sends
 * (malformed input, exact header checks). It is the test's own client, not a peer under test.
 */
final class RawRtsp implements AutoCloseable {
    /** One response: status code, header lines as sent, body. */
    record Response(int status, List<String> headers, String body) {
        List<String> all(String name) {
            String p = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(p))
                    .map(h -> h.substring(p.length()).trim()).toList();
        }
    }

    private final Socket socket;
    private final InputStream in;

    RawRtsp(int port) throws IOException {
        this(port, 5000);
    }

    /** With a read timeout of its own: a request the server answers only once a stream came up may take long. */
    RawRtsp(int port, int timeoutMillis) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(timeoutMillis);
        in = socket.getInputStream();
    }

    /** One interleaved frame (RFC 2326 §10.12): '$', channel, 16-bit length, payload. */
    record Frame(int channel, byte[] payload) {
    }

    /** Reads one interleaved frame, or throws if anything else comes (an RTSP message) or the server closed. */
    Frame frame() throws IOException {
        int magic = in.read();
        if (magic != '$') {
            throw new IOException("not an interleaved frame: first byte " + magic);
        }
        int channel = in.read();
        int length = (in.read() << 8) | in.read();
        byte[] payload = in.readNBytes(length);
        if (channel < 0 || payload.length != length) {
            throw new IOException("connection closed inside a frame");
        }
        return new Frame(channel, payload);
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Sends a request; {@code headers} are full lines without CRLF; CSeq and Content-Length are added. */
    Response request(String method, String uri, int cseq, String body, String... headers) throws IOException {
        StringBuilder sb = new StringBuilder(method + " " + uri + " RTSP/1.0\r\nCSeq: " + cseq + "\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0) {
            sb.append("Content-Length: ").append(b.length).append("\r\n");
        }
        sb.append("\r\n");
        send(sb.toString().getBytes(StandardCharsets.UTF_8));
        send(b);
        return response();
    }

    /** Reads one response, or throws if the server closed the connection first. */
    Response response() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("connection closed before a response");
        }
        if (!status.startsWith("RTSP/1.0 ")) {
            throw new IOException("not an RTSP response: " + status);
        }
        List<String> headers = new ArrayList<>();
        int length = 0;
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            headers.add(l);
            if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(l.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return new Response(Integer.parseInt(status.substring(9, 12)), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    /** True if the server closes the connection within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true; // a reset is a close too
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
