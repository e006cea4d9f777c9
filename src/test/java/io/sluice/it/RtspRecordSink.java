package io.sluice.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * RtspRecordSink is a minimal RTSP RECORD server (ANNOUNCE, SETUP over TCP interleaved, RECORD) that
 * records the header of every RTP packet it receives, per session, so a test can check sequence
 * numbers, timestamps and SSRCs across a publisher's reconnect. It answers every request 200 and
 * decodes nothing: the test's own instrument, next to the third-party peers.
 */
final class RtspRecordSink implements AutoCloseable {

    /** One RTP packet as received: interleaved channel, header fields, arrival. */
    record Packet(int channel, int seq, long ts, long ssrc, long nanos) {
    }

    /** One RTSP connection that announced a stream. */
    static final class Session {
        volatile String sdp = "";
        volatile boolean recording;
        volatile boolean tornDown;
        volatile boolean closed;
        final List<Packet> packets = new CopyOnWriteArrayList<>();

        List<Packet> channel(int ch) {
            return packets.stream().filter(p -> p.channel() == ch).toList();
        }
    }

    private final ServerSocket server;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RtspRecordSink() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        threads.add(Thread.ofPlatform().daemon().name("it-rtsp-sink-accept").start(this::accept));
    }

    int port() {
        return server.getLocalPort();
    }

    /** Sessions that reached RECORD, in order. */
    List<Session> recordingSessions() {
        return sessions.stream().filter(s -> s.recording).toList();
    }

    private void accept() {
        try {
            while (true) {
                Socket s = server.accept();
                sockets.add(s);
                Session session = new Session();
                sessions.add(session);
                threads.add(Thread.ofPlatform().daemon().name("it-rtsp-sink-conn").start(() -> serve(s, session)));
            }
        } catch (IOException closed) {
            // close() closed the server socket
        }
    }

    private void serve(Socket socket, Session session) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                int first = in.readUnsignedByte();
                if (first == '$') {
                    int ch = in.readUnsignedByte();
                    int len = in.readUnsignedShort();
                    byte[] b = in.readNBytes(len);
                    if (b.length < len) {
                        return;
                    }
                    if (ch % 2 == 0 && len >= 12) {
                        session.packets.add(new Packet(ch, ((b[2] & 0xff) << 8) | (b[3] & 0xff), u32(b, 4), u32(b, 8),
                                System.nanoTime()));
                    }
                    continue;
                }
                request(first, in, out, session);
            }
        } catch (EOFException e) {
            // the client closed the connection
        } catch (IOException e) {
            // reset or closed by close()
        } finally {
            session.closed = true;
        }
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    private void request(int first, DataInputStream in, OutputStream out, Session session) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.write(first);
        while (true) {
            int c = in.readUnsignedByte();
            if (c == '\n') {
                String l = line.toString(StandardCharsets.UTF_8).strip();
                line.reset();
                if (l.isEmpty()) {
                    break;
                }
                lines.add(l);
            } else {
                line.write(c);
            }
        }
        String method = lines.getFirst().split(" ")[0];
        String cseq = header(lines, "cseq");
        int length = header(lines, "content-length").isEmpty() ? 0 : Integer.parseInt(header(lines, "content-length"));
        byte[] body = in.readNBytes(length);
        StringBuilder resp = new StringBuilder("RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\n");
        switch (method) {
            case "OPTIONS" -> resp.append("Public: OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN, GET_PARAMETER\r\n");
            case "ANNOUNCE" -> session.sdp = new String(body, StandardCharsets.UTF_8);
            case "SETUP" -> resp.append("Transport: ").append(header(lines, "transport")).append("\r\n");
            case "RECORD" -> session.recording = true;
            case "TEARDOWN" -> session.tornDown = true;
            default -> {
            }
        }
        if (!method.equals("OPTIONS") && !method.equals("ANNOUNCE")) {
            resp.append("Session: 12345678;timeout=60\r\n");
        }
        resp.append("\r\n");
        out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String header(List<String> lines, String name) {
        for (String l : lines.subList(1, lines.size())) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return l.substring(colon + 1).trim();
            }
        }
        return "";
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
