package io.sluice.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * RtpRecordSink is a bare RTSP RECORD server (TCP interleaved only) that checks what an RTSP forward target
 * receives at the RTP level: per interleaved channel, the packets, the gaps in their sequence numbers and the
 * marker bits (one per video frame). A frame that lost packets still decodes, so a peer's frame count cannot
 * see such loss; sequence numbers can. It is the test's own instrument, run beside a third-party sink.
 */
final class RtpRecordSink implements AutoCloseable {
    /** What one interleaved RTP channel carried in one session. */
    static final class Channel {
        long packets;
        long gaps;
        long lostPackets;
        long markers;
        long bytes;
        private int lastSeq = -1;

        void packet(byte[] p) {
            if (p.length < 12 || (p[0] & 0xC0) != 0x80) {
                return;
            }
            int seq = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
            if (lastSeq >= 0) {
                int step = (seq - lastSeq) & 0xFFFF;
                if (step != 1) {
                    gaps++;
                    lostPackets += step == 0 || step > 0x8000 ? 0 : step - 1; // duplicate / reordered: no count
                }
            }
            lastSeq = seq;
            packets++;
            bytes += p.length;
            if ((p[1] & 0x80) != 0) {
                markers++;
            }
        }

        @Override
        public synchronized String toString() {
            return "packets=" + packets + " gaps=" + gaps + " lost=" + lostPackets + " markers=" + markers
                    + " bytes=" + bytes;
        }
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("it-rtp-sink-", 0).factory());
    private final List<Socket> sockets = new ArrayList<>();
    /** Per session (in order of arrival), interleaved channel → counts. */
    private final List<Map<Integer, Channel>> sessions = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    RtpRecordSink() throws IOException {
        server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        try {
            while (true) {
                Socket s = server.accept();
                synchronized (this) {
                    sockets.add(s);
                }
                threads.submit(() -> serve(s));
            }
        } catch (IOException closed) {
            // close() closed the listening socket
        }
    }

    private void serve(Socket s) {
        Map<Integer, Channel> channels = new TreeMap<>();
        synchronized (this) {
            sessions.add(channels);
        }
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                if (first == '$') {
                    int ch = in.readUnsignedByte();
                    byte[] p = new byte[in.readUnsignedShort()];
                    in.readFully(p);
                    if (ch % 2 == 0) { // odd channels carry RTCP
                        synchronized (this) {
                            channels.computeIfAbsent(ch, c -> new Channel()).packet(p);
                        }
                    }
                } else {
                    request(first, in, out);
                }
            }
        } catch (EOFException | SocketException closed) {
            // the forwarder left or close() ended the session
        } catch (IOException e) {
            synchronized (this) {
                log.add("session error: " + e);
            }
        }
    }

    /** Reads one RTSP request whose first byte is {@code first} and answers it. */
    private void request(int first, DataInputStream in, OutputStream out) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        line.write(first);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException();
            }
            if (c == '\n') {
                String l = line.toString(StandardCharsets.UTF_8).stripTrailing();
                line.reset();
                if (l.isEmpty()) {
                    break;
                }
                lines.add(l);
            } else {
                line.write(c);
            }
        }
        String cseq = "0";
        String transport = null;
        int length = 0;
        for (String l : lines.subList(1, lines.size())) {
            String k = l.substring(0, Math.max(0, l.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
            String v = l.substring(l.indexOf(':') + 1).trim();
            switch (k) {
                case "cseq" -> cseq = v;
                case "transport" -> transport = v;
                case "content-length" -> length = Integer.parseInt(v);
                default -> { }
            }
        }
        in.readNBytes(length); // the ANNOUNCE's SDP
        String method = lines.getFirst().split(" ")[0];
        synchronized (this) {
            log.add(lines.getFirst());
        }
        StringBuilder r = new StringBuilder("RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\n");
        switch (method) {
            case "OPTIONS" -> r.append("Public: OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN, GET_PARAMETER\r\n");
            case "SETUP" -> {
                if (transport == null || !transport.contains("TCP")) {
                    out.write(("RTSP/1.0 461 Unsupported Transport\r\nCSeq: " + cseq + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                r.append("Transport: ").append(transport).append("\r\nSession: 12345678;timeout=60\r\n");
            }
            case "RECORD", "GET_PARAMETER", "SET_PARAMETER", "TEARDOWN", "ANNOUNCE" -> r.append("Session: 12345678\r\n");
            default -> { }
        }
        out.write(r.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Per session, RTP interleaved channel (the even ones) → its counts. */
    synchronized List<Map<Integer, Channel>> sessions() {
        return List.copyOf(sessions);
    }

    /** A summary for assertion messages: each session's requests and channels. */
    synchronized String describe() {
        return "requests " + log + ", sessions " + sessions;
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (this) {
            for (Socket s : sockets) {
                s.close();
            }
        }
        threads.shutdownNow();
        threads.close();
    }
}
