package io.sluice.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RtspRecordServer is the tests' own RTSP RECORD server, for what a third-party sink cannot tell: it answers
 * ANNOUNCE/SETUP/RECORD over TCP interleaved or UDP, decodes nothing, never sends RTCP back (like a target
 * behind a firewall that lets only outgoing UDP through), and keeps, per session, the header of every RTP
 * packet (sequence numbers, timestamps, SSRC, marker) and every sender report. A frame that lost packets
 * still decodes, so a peer's frame count cannot see such loss; sequence numbers can. Run beside the
 * third-party sinks, not instead of them.
 */
final class RtspRecordServer implements AutoCloseable {
    /** One RTP packet as received: channel (2 × media index, as interleaved), header fields, size, arrival. */
    record Packet(int channel, int seq, long ts, long ssrc, boolean marker, int length, long nanos) {
    }

    /** One sender report that arrived: media index, NTP and RTP time, and over which transport. */
    record Sr(int media, long ntp, long rtp, boolean udp) {
    }

    /** What one RTP channel carried: packets, sequence gaps (and the packets they lost), marker bits, bytes. */
    record Counts(long packets, long gaps, long lostPackets, long markers, long bytes) {
        static Counts of(List<Packet> ps) {
            long gaps = 0;
            long lost = 0;
            long markers = 0;
            long bytes = 0;
            for (int i = 0; i < ps.size(); i++) {
                Packet p = ps.get(i);
                if (i > 0) {
                    int step = (p.seq() - ps.get(i - 1).seq()) & 0xFFFF;
                    if (step != 1) {
                        gaps++;
                        lost += step == 0 || step > 0x8000 ? 0 : step - 1; // duplicate / reordered: no count
                    }
                }
                markers += p.marker() ? 1 : 0;
                bytes += p.length();
            }
            return new Counts(ps.size(), gaps, lost, markers, bytes);
        }
    }

    /** One RTSP connection (and the UDP sockets its SETUPs opened). */
    static final class Session {
        volatile String sdp = "";
        volatile boolean recording;
        volatile boolean tornDown;
        volatile boolean closed;
        final List<Packet> packets = new CopyOnWriteArrayList<>();

        /** The RTP packets of one channel (0 = first media, 2 = second...). */
        List<Packet> channel(int ch) {
            return packets.stream().filter(p -> p.channel() == ch).toList();
        }

        /** Per RTP channel that carried anything, in channel order, its counts. */
        Map<Integer, Counts> counts() {
            Map<Integer, Counts> out = new TreeMap<>();
            packets.stream().map(Packet::channel).distinct().forEach(ch -> out.put(ch, Counts.of(channel(ch))));
            return out;
        }

        @Override
        public String toString() {
            return (recording ? "recording " : "") + counts();
        }
    }

    private static final Pattern CLIENT_PORT = Pattern.compile("client_port=(\\d+)-(\\d+)");
    private static final Pattern TRACK = Pattern.compile("trackID=(\\d+)");

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("it-rtsp-record-", 0).factory());
    private final List<AutoCloseable> sockets = Collections.synchronizedList(new ArrayList<>());
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    /** The Transport header of every SETUP, in order. */
    final List<String> setups = Collections.synchronizedList(new ArrayList<>());
    final List<Sr> senderReports = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong records = new AtomicLong();
    final AtomicLong rtpPackets = new AtomicLong();

    RtspRecordServer() throws IOException {
        server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every connection so far, in order of arrival. */
    List<Session> sessions() {
        return List.copyOf(sessions);
    }

    /** Sessions that reached RECORD, in order. */
    List<Session> recordingSessions() {
        return sessions.stream().filter(s -> s.recording).toList();
    }

    /** A summary for assertion messages: the requests and each session's channels. */
    String describe() {
        synchronized (requests) {
            return "requests " + requests + ", sessions " + sessions;
        }
    }

    /** Closes the client connections and UDP sockets of the sessions so far, as a restarting server would. */
    void dropSessions() throws Exception {
        synchronized (sockets) {
            for (AutoCloseable c : sockets) {
                c.close();
            }
            sockets.clear();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Session session = new Session();
                sessions.add(session);
                threads.execute(() -> serve(s, session));
            } catch (IOException e) {
                return; // close() closed the listening socket
            }
        }
    }

    private void serve(Socket socket, Session session) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                if (first == '$') {
                    int ch = in.readUnsignedByte();
                    byte[] p = new byte[in.readUnsignedShort()];
                    in.readFully(p);
                    packet(session, ch, p, p.length, false);
                } else {
                    request(first, in, out, session);
                }
            }
        } catch (IOException e) {
            // the client left, reset, or close()/dropSessions() ended the session
        } finally {
            session.closed = true;
        }
    }

    private void request(int first, DataInputStream in, OutputStream out, Session session) throws IOException {
        List<String> lines = new ArrayList<>();
        String l = line(in, first);
        while (!l.isEmpty()) {
            lines.add(l);
            l = line(in, -1);
        }
        String length = header(lines, "content-length");
        byte[] body = in.readNBytes(length.isEmpty() ? 0 : Integer.parseInt(length));
        String method = lines.getFirst().split(" ")[0];
        requests.add(lines.getFirst());
        StringBuilder r = new StringBuilder("RTSP/1.0 200 OK\r\nCSeq: " + header(lines, "cseq") + "\r\n");
        switch (method) {
            case "OPTIONS" -> r.append("Public: OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN, GET_PARAMETER\r\n");
            case "ANNOUNCE" -> session.sdp = new String(body, StandardCharsets.UTF_8);
            case "SETUP" -> {
                String transport = header(lines, "transport");
                setups.add(transport);
                r.append("Transport: ").append(setupTransport(lines.getFirst(), transport, session)).append("\r\n");
            }
            case "RECORD" -> {
                session.recording = true;
                records.incrementAndGet();
            }
            case "TEARDOWN" -> session.tornDown = true;
            default -> { }
        }
        if (!method.equals("OPTIONS") && !method.equals("ANNOUNCE")) {
            r.append("Session: 12345678;timeout=60\r\n");
        }
        out.write(r.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** TCP: echoes the request's Transport. UDP: opens an RTP and an RTCP socket for the SETUP's track. */
    private String setupTransport(String requestLine, String transport, Session session) throws IOException {
        if (transport.isEmpty() || transport.contains("TCP")) {
            return transport;
        }
        Matcher m = CLIENT_PORT.matcher(transport);
        Matcher t = TRACK.matcher(requestLine);
        if (!m.find() || !t.find()) {
            throw new IOException("SETUP without client_port or trackID: " + requestLine + " " + transport);
        }
        int media = Integer.parseInt(t.group(1));
        DatagramSocket rtp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket rtcp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        sockets.add(rtp);
        sockets.add(rtcp);
        threads.execute(() -> receive(rtp, session, 2 * media));
        threads.execute(() -> receive(rtcp, session, 2 * media + 1));
        return "RTP/AVP;unicast;client_port=" + m.group(1) + "-" + m.group(2) + ";server_port="
                + rtp.getLocalPort() + "-" + rtcp.getLocalPort() + ";mode=record";
    }

    private void receive(DatagramSocket socket, Session session, int channel) {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            packet(session, channel, p.getData(), p.getLength(), true);
        }
    }

    /** Even channels carry RTP, odd ones RTCP (of media channel / 2). */
    private void packet(Session session, int channel, byte[] b, int length, boolean udp) {
        if (channel % 2 == 1) {
            if (length >= 20 && (b[1] & 0xff) == 200) {
                ByteBuffer bb = ByteBuffer.wrap(b, 0, length);
                senderReports.add(new Sr(channel / 2, bb.getLong(8), bb.getInt(16) & 0xffffffffL, udp));
            }
            return;
        }
        if (length < 12 || (b[0] & 0xC0) != 0x80) {
            return;
        }
        rtpPackets.incrementAndGet();
        session.packets.add(new Packet(channel, ((b[2] & 0xff) << 8) | (b[3] & 0xff), u32(b, 4), u32(b, 8),
                (b[1] & 0x80) != 0, length, System.nanoTime()));
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    private static String header(List<String> lines, String name) {
        for (String l : lines.subList(1, lines.size())) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return l.substring(colon + 1).trim();
            }
        }
        return name.equals("cseq") ? "0" : "";
    }

    private static String line(DataInputStream in, int first) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c = first >= 0 ? first : in.read();
        while (c >= 0 && c != '\n') {
            b.write(c);
            c = in.read();
        }
        if (c < 0) {
            throw new EOFException("closed in a request");
        }
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws Exception {
        server.close();
        dropSessions();
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
