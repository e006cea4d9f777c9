package io.sluice.net.webrtc;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.harvest.TcpHarvester;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcTcpMux is the server's single ICE-TCP port (RFC 6544, webrtcLocalTCPAddress): every WHIP/WHEP
 * session offers a {@code tcptype passive} host candidate on it beside its UDP ones, for clients whose
 * network blocks UDP. A client connects, sends an RFC 4571-framed STUN Binding request, and the USERNAME's
 * first half (Sluice's ufrag) names the session that gets the connection; DTLS and SRTP then run over
 * that connection, framed the same way.
 *
 * <p>Built on ice4j's TcpHarvester (as Jitsi Videobridge's ICE-TCP): its accept and read threads read the
 * first frame of each connection, close one that does not start with a STUN Binding request or stays
 * silent (ice4j's socket read timeout), and hand the others to {@link #acceptSession}, which closes one
 * whose ufrag no session has, with a log line. Other sessions never see any of it.
 * ice4j's harvester leaves loopback addresses out; Sluice binds and announces them, as the UDP mux does
 * ({@link WebrtcUdpMux}): peers on this machine (and the test rig) reach the server on 127.0.0.1.
 *
 * <p>Threads: ice4j's two ("TcpHarvester AcceptThread"/"ReadThread"), which end within ice4j's 3 s select
 * timeout after {@link #close()}; each accepted connection then reads on a thread of the session's
 * component socket, as a UDP candidate does.
 */
public final class WebrtcTcpMux implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcTcpMux.class);

    private final String address;
    private final List<String> additionalHosts;
    private final List<InetAddress> extraAddresses = new ArrayList<>();
    private final LongAdder refused = new LongAdder();
    private Harvester harvester;
    private volatile int port = -1;

    /**
     * @param address         host:port or :port (":8189" → all interfaces, loopback included); port 0 picks one
     * @param additionalHosts extra host addresses/names to advertise as TCP host candidates (NAT), may be empty
     */
    public WebrtcTcpMux(String address, List<String> additionalHosts) {
        this.address = Objects.requireNonNull(address, "address");
        this.additionalHosts = List.copyOf(additionalHosts);
    }

    /** Binds; throws with the address in the message if it is busy or unknown. */
    public synchronized void start() throws IOException {
        if (port >= 0) {
            throw new IllegalStateException("WebRTC TCP mux " + address + " already started");
        }
        Ice4jSettings.apply();
        ListenAddress listen = ListenAddress.parse("WebRTC TCP", address);
        List<InetAddress> binds = listen.wildcard() ? ClientHostHarvester.interfaceAddresses()
                : List.of(listen.resolve(address));
        if (binds.isEmpty()) {
            throw new BindException("WebRTC TCP " + address + ": no interface address to bind");
        }
        for (String h : additionalHosts) {
            extraAddresses.add(ListenAddress.resolveHost("WebRTC TCP mux", h, address));
        }
        // every address on one port: the candidates name it, and ice4j finds a connection's candidate by it
        int p = listen.port() == 0 ? freePort(binds.getFirst()) : listen.port();
        List<TransportAddress> addresses = new ArrayList<>();
        for (InetAddress a : binds) {
            addresses.add(new TransportAddress(a, p, Transport.TCP));
        }
        try {
            harvester = new Harvester(addresses, refused);
        } catch (IOException e) {
            BindException be = new BindException("cannot bind WebRTC TCP port " + p + " on " + binds + " (from "
                    + address + "): " + e.getMessage());
            be.initCause(e);
            throw be;
        }
        port = p;
        LOG.info("WebRTC ICE-TCP mux on port {} ({} addresses{})", p, binds.size(),
                extraAddresses.isEmpty() ? "" : ", announcing also " + additionalHosts);
    }

    /** A port free on {@code a} now; the bind right after may still lose it to another process (then it fails). */
    private static int freePort(InetAddress a) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(a, 0));
            return s.getLocalPort();
        }
    }

    /** The bound port, -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    /** Connections closed after their first STUN request because no session has that ufrag (or it had ended). */
    public long refusedConnections() {
        return refused.sum();
    }

    TcpHarvester harvester() {
        TcpHarvester h = harvester;
        if (h == null) {
            throw new IllegalStateException(this + " is not started");
        }
        return h;
    }

    List<InetAddress> extraAddresses() {
        return extraAddresses;
    }

    /** Stops accepting; connections already handed to sessions stay theirs. Idempotent. */
    @Override
    public synchronized void close() {
        if (harvester != null) {
            harvester.close();
        }
    }

    @Override
    public String toString() {
        return "WebrtcTcpMux[" + address + " port " + port + "]";
    }

    /** ice4j's TCP harvester, with loopback kept and a log line for a connection no session takes. */
    private static final class Harvester extends TcpHarvester {
        private final LongAdder refused;

        Harvester(List<TransportAddress> addresses, LongAdder refused) throws IOException {
            super(addresses);
            this.refused = refused;
        }

        /** ice4j's version drops loopback addresses; the mux has already chosen which to bind. */
        @Override
        protected void addLocalAddresses(List<TransportAddress> transportAddresses) {
            localAddresses.addAll(transportAddresses);
        }

        @Override
        protected void acceptSession(Socket socket, String ufrag, DatagramPacket pushback) throws IOException {
            try {
                super.acceptSession(socket, ufrag, pushback);
            } catch (IOException | IllegalStateException e) {
                // ice4j closes the connection after this; the field is null while the super constructor runs
                if (refused != null) {
                    refused.increment();
                }
                LOG.warn("ICE-TCP: closing the connection from {}: no session takes ufrag '{}' ({})",
                        socket.getRemoteSocketAddress(), ufrag, e.getMessage());
                throw e;
            }
        }
    }
}
