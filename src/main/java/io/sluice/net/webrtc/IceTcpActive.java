package io.sluice.net.webrtc;

import io.sluice.threads.SluiceThreads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.CandidateTcpType;
import org.ice4j.ice.Component;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.TcpHostCandidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IceTcpActive is the active side of ICE-TCP (RFC 6544) for a WHIP target: ice4j 3.2's agent has no active TCP
 * candidates and never connects out, so before the checks start this opens one TCP connection to each of the
 * remote answer's {@code tcptype passive} candidates and gives the agent, per connection, an {@code active} host
 * candidate on the connection's local address paired with that remote candidate. ice4j then runs its checks,
 * DTLS and SRTP over the connection (RFC 4571 framing) exactly as on a connection accepted by the ICE-TCP port
 * ({@link IceTcpHarvester#attach}); the remote learns our side as a peer-reflexive candidate from the first check
 * (a WHIP offer cannot know the port, RFC 6544 §4.5 "port 9").
 *
 * <p>The connects run in parallel, each bounded by {@link #CONNECT_TIMEOUT}, on the caller's start of the
 * checks. A remote that offers UDP candidates as well waits for them at most {@link #BUDGET_WITH_UDP}: UDP is the
 * pair ICE will most likely pick (remotes rank TCP lower), so a TCP port that neither accepts nor refuses must not
 * hold back the session's start by seconds; a connect still pending then is given up. A remote that is unreachable
 * over TCP leaves no candidate; a trickled (PATCH) TCP candidate is not connected to.
 *
 * <p>Threads: one virtual "sluice-webrtc-tcp-active" thread per connect, ended before {@link #connect} returns.
 */
final class IceTcpActive {
    private static final Logger LOG = LoggerFactory.getLogger(IceTcpActive.class);
    /** Bounds each connect: a remote's TCP port answers in one round trip or not at all. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * How long the checks wait for the connects when the remote offers UDP candidates too: a TCP connect answers
     * in one round trip, and a remote reached over the Internet is within a few hundred ms.
     */
    static final Duration BUDGET_WITH_UDP = Duration.ofMillis(500);
    /** More remote TCP candidates than this are ignored (one connection and thread each). */
    static final int MAX_CONNECTIONS = 8;

    private final InetAddress bind;
    private final Duration timeout;

    /** @param bindHost local address for the connections, null for the system's choice (as the UDP candidates) */
    IceTcpActive(String bindHost, Duration timeout) throws IOException {
        this.bind = bindHost == null ? null : InetAddress.getByName(bindHost);
        this.timeout = timeout;
    }

    /**
     * Connects to the remote passive TCP candidates among {@code remoteCandidates} and adds the candidate pairs
     * of the connections that opened to {@code component}; call before the checks start.
     *
     * @return how many connections opened
     */
    int connect(Component component, List<String> remoteCandidates) {
        List<RemoteCandidate> remotes = new ArrayList<>();
        for (String c : remoteCandidates) {
            RemoteCandidate rc = IceCandidates.parseTcpPassive(c, component);
            if (rc != null && remotes.size() < MAX_CONNECTIONS) {
                remotes.add(rc);
            }
        }
        if (remotes.isEmpty()) {
            return 0;
        }
        Duration budget = offersUdp(remoteCandidates) && BUDGET_WITH_UDP.compareTo(timeout) < 0
                ? BUDGET_WITH_UDP : timeout;
        long deadline = System.nanoTime() + budget.toNanos();
        List<Future<Socket>> connects = new ArrayList<>();
        List<Socket> sockets = new ArrayList<>();
        try (ExecutorService threads = SluiceThreads.perTaskVirtual("webrtc-tcp-active")) {
            for (RemoteCandidate rc : remotes) {
                connects.add(threads.submit(() -> open(rc.getTransportAddress())));
            }
            for (int i = 0; i < remotes.size(); i++) {
                sockets.add(result(connects.get(i), remotes.get(i), deadline, budget));
            }
        } // the connects given up were interrupted, which closes their sockets: their threads end at once
        int opened = 0;
        for (int i = 0; i < remotes.size(); i++) {
            Socket s = sockets.get(i);
            if (s != null && add(component, remotes.get(i), s)) {
                opened++;
            }
        }
        return opened;
    }

    /** Whether the remote's candidates include a UDP one (the transport field, RFC 8839 §5.1). */
    static boolean offersUdp(List<String> remoteCandidates) {
        for (String c : remoteCandidates) {
            String[] f = c.trim().split("\\s+");
            if (f.length > 2 && f[2].equalsIgnoreCase("udp")) {
                return true;
            }
        }
        return false;
    }

    private Socket open(TransportAddress remote) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true); // media: no Nagle delay on small RTP/RTCP frames
            if (bind != null) {
                s.bind(new InetSocketAddress(bind, 0));
            }
            s.connect(new InetSocketAddress(remote.getAddress(), remote.getPort()), (int) timeout.toMillis());
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The connect's socket, or null when it failed or did not finish by {@code deadline} (then it is given up). */
    private static Socket result(Future<Socket> f, RemoteCandidate remote, long deadline, Duration budget) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            LOG.debug("ICE-TCP: no connection to the remote's passive candidate {}: {}", remote.getTransportAddress(),
                    e.getCause().toString());
        } catch (TimeoutException e) {
            if (!f.cancel(true)) {
                return result(f, remote, System.nanoTime(), budget); // it finished in the meantime
            }
            LOG.debug("ICE-TCP: gave up connecting to the remote's passive candidate {} after {} ms (it offers UDP"
                    + " too)", remote.getTransportAddress(), budget.toMillis());
        } catch (CancellationException e) {
            LOG.debug("ICE-TCP: connect to {} cancelled", remote.getTransportAddress());
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
        }
        return null;
    }

    /** The connection's active candidate and its remote one; the agent owns the socket on success. */
    private static boolean add(Component component, RemoteCandidate remote, Socket s) {
        try {
            TcpHostCandidate local = new TcpHostCandidate(
                    new TransportAddress(s.getLocalAddress(), s.getLocalPort(), Transport.TCP), component);
            local.setTcpType(CandidateTcpType.ACTIVE);
            component.addLocalCandidate(local);
            component.addRemoteCandidate(remote);
            IceTcpHarvester.attach(local, s, null);
            LOG.debug("ICE-TCP: connected {} -> {} (tcptype active)", s.getLocalSocketAddress(),
                    s.getRemoteSocketAddress());
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("ICE-TCP: cannot use the connection {} -> {}: {}", s.getLocalSocketAddress(),
                    s.getRemoteSocketAddress(), e.toString());
            try {
                s.close();
            } catch (IOException c) {
                LOG.debug("closing {}: {}", s, c.toString());
            }
            return false;
        }
    }
}
