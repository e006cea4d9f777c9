package io.sluice.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FakeRecordServer is the test's own RTSP RECORD server for what no real server does on demand: it
 * accepts ANNOUNCE/SETUP/RECORD over TCP or UDP, keeps the sender reports it gets, and never sends
 * any RTCP back, like a target behind a firewall that lets only outgoing UDP through.
 */
final class FakeRecordServer implements AutoCloseable {
    /** One sender report that arrived: media index, NTP and RTP time, and over which transport. */
    record Sr(int media, long ntp, long rtp, boolean udp) {
    }

    private static final Pattern CLIENT_PORT = Pattern.compile("client_port=(\\d+)-(\\d+)");
    private static final Pattern TRACK = Pattern.compile("trackID=(\\d+)");

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "it-fake-record-server");
        t.setDaemon(true);
        return t;
    });
    private final List<AutoCloseable> sockets = Collections.synchronizedList(new ArrayList<>());
    /** The Transport header of every SETUP, in order. */
    final List<String> setups = Collections.synchronizedList(new ArrayList<>());
    final List<Sr> senderReports = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong records = new AtomicLong();
    final AtomicLong rtpPackets = new AtomicLong();

    FakeRecordServer() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
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
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                if (first == '$') {
                    int channel = in.readUnsignedByte();
                    byte[] payload = new byte[in.readUnsignedShort()];
                    in.readFully(payload);
                    packet(channel / 2, (channel & 1) == 1, payload, payload.length, false);
                    continue;
                }
                List<String> lines = new ArrayList<>();
                String l = line(in, first);
                while (!l.isEmpty()) {
                    lines.add(l);
                    l = line(in, -1);
                }
                int length = 0;
                String cseq = "0";
                String transport = null;
                for (String h : lines) {
                    String lower = h.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Integer.parseInt(h.substring(15).trim());
                    } else if (lower.startsWith("cseq:")) {
                        cseq = h.substring(5).trim();
                    } else if (lower.startsWith("transport:")) {
                        transport = h.substring(10).trim();
                    }
                }
                in.readNBytes(length);
                String method = lines.getFirst().split(" ")[0];
                String extra = "";
                if (method.equals("SETUP")) {
                    setups.add(transport);
                    extra = "Transport: " + setupTransport(lines.getFirst(), transport) + "\r\n";
                } else if (method.equals("RECORD")) {
                    records.incrementAndGet();
                }
                String resp = "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nSession: 4711;timeout=60\r\n" + extra + "\r\n";
                out.write(resp.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away: the session ends
        }
    }

    private String setupTransport(String requestLine, String transport) throws IOException {
        if (transport == null || transport.contains("TCP")) {
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
        threads.execute(() -> receive(rtp, media, false));
        threads.execute(() -> receive(rtcp, media, true));
        return "RTP/AVP;unicast;client_port=" + m.group(1) + "-" + m.group(2) + ";server_port="
                + rtp.getLocalPort() + "-" + rtcp.getLocalPort() + ";mode=record";
    }

    private void receive(DatagramSocket socket, int media, boolean rtcp) {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            packet(media, rtcp, p.getData(), p.getLength(), true);
        }
    }

    private void packet(int media, boolean rtcp, byte[] data, int length, boolean udp) {
        if (!rtcp) {
            rtpPackets.incrementAndGet();
            return;
        }
        if (length >= 20 && (data[1] & 0xff) == 200) {
            ByteBuffer b = ByteBuffer.wrap(data, 0, length);
            senderReports.add(new Sr(media, b.getLong(8), b.getInt(16) & 0xffffffffL, udp));
        }
    }

    private static String line(DataInputStream in, int first) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c = first >= 0 ? first : in.read();
        while (c >= 0 && c != '\n') {
            b.write(c);
            c = in.read();
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("closed");
        }
        String s = b.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws Exception {
        server.close();
        synchronized (sockets) {
            for (AutoCloseable c : sockets) {
                c.close();
            }
        }
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
