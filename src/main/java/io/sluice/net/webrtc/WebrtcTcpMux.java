package io.sluice.net.webrtc;

import io.sluice.threads.SluiceThreads;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebrtcTcpMux is the server's single ICE-TCP port (RFC 6544, webrtcLocalTCPAddress): every WHIP/WHEP
 * session offers a {@code tcptype passive} host candidate on it beside its UDP ones, for clients whose
 * network blocks UDP. A client connects and sends an RFC 4571-framed STUN Binding request; the USERNAME's
 * first half (Sluice's ufrag) names the session that gets the connection ({@link IceTcpFirstFrame},
 * {@link IceTcpHarvester}), and ICE, DTLS and SRTP then run over it, framed the same way (ice4j).
 * mediamtx and pion's TCPMux pick the session the same way.
 *
 * <p>A connection that sends anything else first, names no live session, or sends nothing within
 * {@link #FIRST_FRAME_TIMEOUT} is closed with a log line; it costs one virtual thread until then, at most
 * {@link #MAX_PENDING} at a time, and never touches a session. "All interfaces" binds every interface address,
 * loopback included, on one port, as the UDP mux does ({@link WebrtcUdpMux}).
 *
 * <p>Threads: one "sluice-webrtc-tcp-accept" platform thread per bound address and one virtual
 * "sluice-webrtc-tcp" thread per connection until its first frame is read; {@link #close()} ends them all.
 * A connection handed to a session is the session's (its agent closes it).
 */
public final class WebrtcTcpMux implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebrtcTcpMux.class);
    /** Time for a new connection's first STUN request (a browser sends it at once). */
    static final Duration FIRST_FRAME_TIMEOUT = Duration.ofSeconds(10);
    /** Connections waiting for their first frame at once; more are closed at accept. */
    static final int MAX_PENDING = 256;

    private final String address;
    private final List<String> additionalHosts;
    private final Duration firstFrameTimeout;
    private final List<InetAddress> extraAddresses = new ArrayList<>();
    private final List<ServerSocket> listeners = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final ExecutorService readers = SluiceThreads.perTaskVirtual("webrtc-tcp");
    private final Semaphore pending = new Semaphore(MAX_PENDING);
    private final LongAdder refused = new LongAdder();
    private volatile IceTcpHarvester harvester;
    private volatile boolean closed;
    private volatile int port = -1;

    /**
     * @param address         host:port or :port (":8189" → all interfaces, loopback included); port 0 picks one
     * @param additionalHosts extra host addresses/names to advertise as TCP host candidates (NAT), may be empty
     */
    public WebrtcTcpMux(String address, List<String> additionalHosts) {
        this(address, additionalHosts, FIRST_FRAME_TIMEOUT);
    }

    WebrtcTcpMux(String address, List<String> additionalHosts, Duration firstFrameTimeout) {
        this.address = Objects.requireNonNull(address, "address");
        this.additionalHosts = List.copyOf(additionalHosts);
        this.firstFrameTimeout = firstFrameTimeout;
    }

    /** Binds; throws with the address in the message if it is busy or unknown. */
    public synchronized void start() throws IOException {
        if (port >= 0 || closed) {
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
        int p = listen.port();
        List<TransportAddress> bound = new ArrayList<>();
        try {
            for (InetAddress a : binds) {
                ServerSocket s = new ServerSocket();
                listeners.add(s);
                try {
                    s.bind(new InetSocketAddress(a, p), 128);
                } catch (IOException e) {
                    BindException be = new BindException("cannot bind WebRTC TCP " + a.getHostAddress() + ":" + p
                            + " (from " + address + "): " + e.getMessage());
                    be.initCause(e);
                    throw be;
                }
                p = s.getLocalPort(); // the others share the port chosen by the first
                bound.add(new TransportAddress(a, p, Transport.TCP));
            }
        } catch (IOException e) {
            close();
            throw e;
        }
        harvester = new IceTcpHarvester(bound);
        port = p;
        for (ServerSocket s : listeners) {
            acceptors.add(SluiceThreads.startPlatform("webrtc-tcp-accept", true, () -> accept(s)));
        }
        LOG.info("WebRTC ICE-TCP mux on port {} ({} addresses{})", p, binds.size(),
                extraAddresses.isEmpty() ? "" : ", announcing also " + additionalHosts);
    }

    private void accept(ServerSocket listener) {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.error("WebRTC TCP accept on {} failed, no more ICE-TCP there: {}",
                            listener.getLocalSocketAddress(), e.toString());
                }
                return;
            }
            if (!pending.tryAcquire()) {
                refuse(s, "already " + MAX_PENDING + " connections wait for their first STUN request");
                continue;
            }
            try {
                readers.execute(() -> {
                    try {
                        firstFrame(s);
                    } finally {
                        pending.release();
                    }
                });
            } catch (RuntimeException e) { // rejected: closing
                pending.release();
                refuse(s, "closing");
            }
        }
    }

    /** Reads the connection's first frame and hands it to its session, or closes it. */
    private void firstFrame(Socket s) {
        try {
            s.setSoTimeout((int) firstFrameTimeout.toMillis());
            s.setTcpNoDelay(true); // media: no Nagle delay on small RTP/RTCP frames
            byte[] stun = IceTcpFirstFrame.read(s.getInputStream());
            String ufrag = IceTcpFirstFrame.localUfrag(stun);
            s.setSoTimeout(0);
            IceTcpHarvester h = harvester;
            if (h == null || closed) {
                throw new IceTcpException("closing");
            }
            h.handOver(s, ufrag, stun);
            LOG.debug("ICE-TCP connection from {} for ufrag {}", s.getRemoteSocketAddress(), ufrag);
        } catch (IceTcpException e) {
            refuse(s, e.getMessage());
        } catch (SocketTimeoutException e) {
            refuse(s, "no STUN request within " + firstFrameTimeout.toSeconds() + " s");
        } catch (EOFException e) {
            refuse(s, e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (closed && e instanceof SocketException) {
                close(s);
                return;
            }
            refuse(s, e.toString());
        }
    }

    private void refuse(Socket s, String why) {
        refused.increment();
        LOG.warn("ICE-TCP: closing the connection from {}: {}", s.getRemoteSocketAddress(), why);
        close(s);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.debug("closing an ICE-TCP connection: {}", e.toString());
        }
    }

    /** The bound port, -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    /** Connections closed before a session took them: bad first frame, unknown ufrag, silence, too many. */
    public long refusedConnections() {
        return refused.sum();
    }

    IceTcpHarvester harvester() {
        IceTcpHarvester h = harvester;
        if (h == null) {
            throw new IllegalStateException(this + " is not started or closed");
        }
        return h;
    }

    /** A session ended: connections naming its ufrag are refused from now on. */
    void forgetSession(String ufrag) {
        IceTcpHarvester h = harvester;
        if (h != null) {
            h.forget(ufrag);
        }
    }

    List<InetAddress> extraAddresses() {
        return extraAddresses;
    }

    /**
     * Closes the port and every connection that no session has taken yet, and returns when this mux's
     * threads have ended. Connections that sessions took stay theirs. Idempotent.
     */
    @Override
    public synchronized void close() {
        closed = true;
        harvester = null;
        for (ServerSocket s : listeners) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", s, e.toString());
            }
        }
        readers.shutdownNow(); // interrupts the first-frame reads: a virtual thread's blocking read ends
        readers.close();
        for (Thread t : acceptors) {
            SluiceThreads.join(t, Duration.ofSeconds(5));
        }
    }

    @Override
    public String toString() {
        return "WebrtcTcpMux[" + address + " port " + port + "]";
    }
}
