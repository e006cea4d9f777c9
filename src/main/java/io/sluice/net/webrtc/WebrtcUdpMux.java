package io.sluice.net.webrtc;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcUdpMux is the server's single UDP port that all server-side peer connections share,
 * demultiplexed by the ICE ufrag of the first STUN request from each remote address (ice4j's
 * SinglePortUdpHarvester, as in Jitsi Videobridge).
 *
 * <p>"All interfaces" binds the port on each interface address, loopback included, rather than on the
 * wildcard: a host candidate must name a real address, and replies must leave from the address the
 * peer sent to.
 *
 * <p>ice4j is started on first use, not by {@link #start()}: its harvesters, their reader threads and ice4j's
 * static initialisation (Kotlin reflection, typesafe config) cost tens of MB in a server that may never see a
 * WebRTC peer. {@link #start()} only reserves the port with plain sockets, so that a busy port still fails the
 * server's start-up and port 0 still picks the port at start; the first session's {@link #harvesters()} hands
 * each address over to an ice4j harvester (closing the plain socket and binding the same address and port at
 * once: nothing else can take it in between short of a process racing for that exact port).
 * Threads: one ice4j reader thread per bound address from the first session on, ended by {@link #close()}.
 */
public final class WebrtcUdpMux implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcUdpMux.class);

    private final String address;
    private final List<String> additionalHosts;
    /** The addresses bound, each held by a plain socket ({@link #reserved}) until the first session. */
    private final List<InetAddress> binds = new ArrayList<>();
    private final List<DatagramSocket> reserved = new ArrayList<>();
    private final List<SinglePortUdpHarvester> harvesters = new ArrayList<>();
    private final List<InetAddress> extraAddresses = new ArrayList<>();
    private volatile int port = -1;
    private boolean closed;

    /**
     * @param address         host:port or :port (e.g. ":8189" → all interfaces); port 0 picks a free one
     * @param additionalHosts extra host addresses/names to advertise as host candidates (NAT), may be empty
     */
    public WebrtcUdpMux(String address, List<String> additionalHosts) {
        this.address = Objects.requireNonNull(address, "address");
        this.additionalHosts = List.copyOf(additionalHosts);
    }

    /** Binds; throws with the address in the message if it is busy or unknown. */
    public synchronized void start() throws IOException {
        if (port >= 0) {
            throw new IllegalStateException("WebRTC UDP mux " + address + " already started");
        }
        ListenAddress listen = ListenAddress.parse("WebRTC UDP", address);
        int p = listen.port();
        List<InetAddress> addrs = listen.wildcard() ? ClientHostHarvester.interfaceAddresses()
                : List.of(listen.resolve(address));
        for (String h : additionalHosts) {
            extraAddresses.add(ListenAddress.resolveHost("WebRTC UDP mux", h, address));
        }
        try {
            for (InetAddress a : addrs) {
                DatagramSocket s;
                try {
                    s = new DatagramSocket(new InetSocketAddress(a, p));
                } catch (IOException e) {
                    throw bindError(a, p, e);
                }
                reserved.add(s);
                binds.add(a);
                p = s.getLocalPort(); // the others share the port chosen by the first
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        if (reserved.isEmpty()) {
            throw new BindException("WebRTC UDP " + address + ": no interface address to bind");
        }
        port = p;
        LOG.info("WebRTC UDP mux on port {} ({} addresses{})", p, reserved.size(),
                extraAddresses.isEmpty() ? "" : ", announcing also " + additionalHosts);
    }

    /** The bound port, -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    /**
     * Starts ice4j's harvesters now rather than with the first session (webrtcLazyStart: no, the default): the
     * first peer then does not wait for ice4j's start.
     *
     * @throws BindException as {@link #harvesters()}
     */
    public void startIce() throws IOException {
        harvesters();
    }

    /**
     * The ice4j harvesters, one per bound address, made on the first call (see the class comment).
     *
     * @throws BindException when the port could not be handed over (another process took it meanwhile)
     */
    synchronized List<SinglePortUdpHarvester> harvesters() throws IOException {
        if (port < 0 || closed) {
            throw new IllegalStateException(this + " is not started or closed");
        }
        if (harvesters.size() < binds.size()) {
            Ice4jSettings.apply(); // before ice4j's first class initialises
            for (int i = harvesters.size(); i < binds.size(); i++) {
                InetAddress a = binds.get(i);
                reserved.get(i).close();
                try {
                    harvesters.add(new SinglePortUdpHarvester(new TransportAddress(a, port, Transport.UDP)));
                } catch (IOException e) {
                    throw bindError(a, port, e); // the next session tries again
                }
            }
            LOG.debug("WebRTC UDP mux on port {}: ice4j harvesters started", port);
        }
        return harvesters;
    }

    private BindException bindError(InetAddress a, int p, IOException e) {
        BindException be = new BindException("cannot bind WebRTC UDP " + a.getHostAddress() + ":" + p
                + " (from " + address + "): " + e.getMessage());
        be.initCause(e);
        return be;
    }

    List<InetAddress> extraAddresses() {
        return extraAddresses;
    }

    /** Closes the sockets; open transports on them stop receiving. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (SinglePortUdpHarvester h : harvesters) {
            h.close();
        }
        harvesters.clear();
        for (DatagramSocket s : reserved) {
            s.close();
        }
        reserved.clear();
    }

    @Override
    public String toString() {
        return "WebrtcUdpMux[" + address + " port " + port + "]";
    }
}
