package io.sluice.net.webrtc;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
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
 * peer sent to. Threads: one ice4j reader thread per bound address, ended by {@link #close()}.
 */
public final class WebrtcUdpMux implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcUdpMux.class);

    private final String address;
    private final List<String> additionalHosts;
    private final List<SinglePortUdpHarvester> harvesters = new ArrayList<>();
    private final List<InetAddress> extraAddresses = new ArrayList<>();
    private volatile int port = -1;

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
        Ice4jSettings.apply();
        ListenAddress listen = ListenAddress.parse("WebRTC UDP", address);
        int p = listen.port();
        List<InetAddress> binds = listen.wildcard() ? ClientHostHarvester.interfaceAddresses()
                : List.of(listen.resolve(address));
        for (String h : additionalHosts) {
            extraAddresses.add(ListenAddress.resolveHost("WebRTC UDP mux", h, address));
        }
        try {
            for (InetAddress a : binds) {
                SinglePortUdpHarvester h;
                try {
                    h = new SinglePortUdpHarvester(new TransportAddress(a, p, Transport.UDP));
                } catch (IOException e) {
                    BindException be = new BindException("cannot bind WebRTC UDP " + a.getHostAddress() + ":" + p
                            + " (from " + address + "): " + e.getMessage());
                    be.initCause(e);
                    throw be;
                }
                harvesters.add(h);
                p = h.getLocalAddress().getPort(); // the others share the port chosen by the first
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        if (harvesters.isEmpty()) {
            throw new BindException("WebRTC UDP " + address + ": no interface address to bind");
        }
        port = p;
        LOG.info("WebRTC UDP mux on port {} ({} addresses{})", p, harvesters.size(),
                extraAddresses.isEmpty() ? "" : ", announcing also " + additionalHosts);
    }

    /** The bound port, -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    List<SinglePortUdpHarvester> harvesters() {
        return harvesters;
    }

    List<InetAddress> extraAddresses() {
        return extraAddresses;
    }

    /** Closes the sockets; open transports on them stop receiving. Idempotent. */
    @Override
    public synchronized void close() {
        for (SinglePortUdpHarvester h : harvesters) {
            h.close();
        }
        harvesters.clear();
    }

    @Override
    public String toString() {
        return "WebrtcUdpMux[" + address + " port " + port + "]";
    }
}
