package io.sluice.net.webrtc;

import java.beans.PropertyChangeEvent;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.ice.harvest.StunCandidateHarvester;
import org.ice4j.ice.harvest.TurnCandidateHarvester;
import org.ice4j.security.LongTermCredential;
import org.ice4j.socket.IceSocketWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ice4j agent with one stream and one component (BUNDLE + rtcp-mux): candidates in and out,
 * connectivity checks, and after that the selected pair to send on and the component socket to read
 * application data from (ice4j keeps answering STUN on it: checks, keepalives, consent freshness).
 *
 * <p>Threads: ice4j runs its own (freed by {@link #free()}); {@link #receive} from the transport's
 * thread only; {@link #send} from any thread.
 */
final class IceSession {
    private static final Logger LOG = LoggerFactory.getLogger(IceSession.class);

    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final List<String> extraCandidates;
    private final CompletableFuture<CandidatePair> selected = new CompletableFuture<>();
    private volatile IceSocketWrapper sendSocket;
    private volatile TransportAddress sendTo;
    private boolean started;

    private IceSession(Agent agent, List<String> extraCandidates) throws IOException {
        this.agent = agent;
        this.extraCandidates = extraCandidates;
        agent.addStateChangeListener(this::onStateChange);
        agent.setPerformConsentFreshness(true);
        this.stream = agent.createMediaStream("bundle");
        // KeepAliveStrategy.SELECTED_ONLY: keep only the pair in use alive; the component socket merges
        // the application data of every candidate, which ice4j requires us to read from
        this.component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
    }

    /** ICE controlled, host candidates on the mux's shared port. */
    static IceSession server(WebrtcUdpMux mux) throws IOException {
        Ice4jSettings.apply();
        if (mux.port() < 0) {
            throw new IllegalStateException(mux + " is not started");
        }
        Agent agent = new Agent();
        agent.setControlling(false);
        agent.setUseDynamicPorts(false);
        for (SinglePortUdpHarvester h : mux.harvesters()) {
            agent.addCandidateHarvester(h);
        }
        List<String> extra = new ArrayList<>();
        int i = 0;
        for (InetAddress a : mux.extraAddresses()) {
            extra.add(IceCandidates.formatExtraHost("x" + i, a, mux.port(), i));
            i++;
        }
        return build(agent, extra);
    }

    /** ICE controlling, own ephemeral port(s), STUN/TURN harvesting (ice4j bounds it, Ice4jSettings). */
    static IceSession client(List<IceServer> iceServers, String bindHost) throws IOException {
        Ice4jSettings.apply();
        Agent agent = new Agent();
        agent.setControlling(true);
        agent.setUseDynamicPorts(false);
        agent.addCandidateHarvester(new ClientHostHarvester(bindHost));
        for (IceServer s : iceServers) {
            if (!s.transport().equals("udp") || s.scheme().endsWith("s")) {
                // ice4j harvests over UDP host candidates only; TCP/TLS servers need ICE-TCP we do not do
                LOG.warn("skipping ICE server {}: only UDP STUN/TURN is supported", s);
                continue;
            }
            TransportAddress a = new TransportAddress(s.host(), s.port(), Transport.UDP);
            // inline: after the host candidates (added first), and off ice4j's unnamed harvest pool
            agent.addCandidateHarvester(new InlineHarvester(s.isTurn()
                    ? new TurnCandidateHarvester(a, new LongTermCredential(s.username(), s.password()))
                    : new StunCandidateHarvester(a)));
        }
        return build(agent, List.of());
    }

    private static IceSession build(Agent agent, List<String> extra) throws IOException {
        try {
            return new IceSession(agent, extra);
        } catch (IOException | RuntimeException e) {
            agent.free();
            throw e;
        }
    }

    String ufrag() {
        return agent.getLocalUfrag();
    }

    String pwd() {
        return agent.getLocalPassword();
    }

    List<String> localCandidates() {
        List<String> out = new ArrayList<>();
        for (LocalCandidate c : component.getLocalCandidates()) {
            out.add(IceCandidates.format(c));
        }
        out.addAll(extraCandidates);
        return out;
    }

    /** Starts the checks; candidates that are not UDP component-1 ones are skipped. */
    synchronized void start(String remoteUfrag, String remotePwd, List<String> remoteCandidates) {
        stream.setRemoteUfrag(remoteUfrag);
        stream.setRemotePassword(remotePwd);
        for (String c : remoteCandidates) {
            RemoteCandidate rc = IceCandidates.parse(c, component);
            if (rc != null) {
                component.addRemoteCandidate(rc);
            }
        }
        started = true;
        agent.startConnectivityEstablishment();
    }

    synchronized void addRemoteCandidate(String candidate) {
        RemoteCandidate rc = IceCandidates.parse(candidate, component);
        if (rc == null) {
            return;
        }
        if (started) {
            component.addUpdateRemoteCandidates(rc);
            component.updateRemoteCandidates();
        } else {
            component.addRemoteCandidate(rc);
        }
    }

    private void onStateChange(PropertyChangeEvent e) {
        if (!(e.getNewValue() instanceof IceProcessingState s)) {
            return;
        }
        LOG.debug("ICE {} {}", agent.getLocalUfrag(), s);
        switch (s) {
            case COMPLETED, TERMINATED -> {
                CandidatePair p = component.getSelectedPair();
                if (p != null) {
                    sendSocket = p.getIceSocketWrapper();
                    sendTo = p.getRemoteCandidate().getTransportAddress();
                    selected.complete(p);
                } else if (s == IceProcessingState.TERMINATED) {
                    selected.completeExceptionally(new WebrtcException("ICE terminated without a selected pair"));
                }
            }
            case FAILED -> selected.completeExceptionally(new WebrtcException("ICE failed: no candidate pair "
                    + "worked (remote candidates " + component.getRemoteCandidates().size() + ")"));
            default -> { }
        }
    }

    /** Waits for the selected pair. */
    CandidatePair awaitSelected(long timeoutMillis) throws IOException, InterruptedException, TimeoutException {
        try {
            return selected.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new WebrtcException("ICE failed", e.getCause());
        }
    }

    /** "local <-> remote udp" of the selected pair, or "" before. */
    String selectedPair() {
        CandidatePair p = selected.getNow(null);
        return p == null ? "" : IceCandidates.hostPort(p.getLocalCandidate()) + " <-> "
                + IceCandidates.hostPort(p.getRemoteCandidate()) + " udp";
    }

    /** Millisecond time of the last consent freshness confirmation (RFC 7675), 0 if unknown. */
    long consentMillis() {
        CandidatePair p = selected.getNow(null);
        long t = p == null ? -1 : p.getConsentFreshness();
        return Math.max(t, 0);
    }

    /** Sends one datagram on the selected pair. */
    void send(byte[] b, int off, int len) throws IOException {
        IceSocketWrapper s = sendSocket;
        if (s == null) {
            throw new WebrtcException("ICE has no selected pair yet");
        }
        DatagramPacket p = new DatagramPacket(b, off, len);
        p.setSocketAddress(sendTo);
        s.send(p);
    }

    /**
     * Reads one application datagram (not STUN) into {@code p}.
     *
     * @return false when nothing arrived within {@code timeoutMillis}
     */
    boolean receive(DatagramPacket p, int timeoutMillis) throws IOException {
        DatagramSocket s = component.getSocket();
        s.setSoTimeout(Math.max(1, timeoutMillis));
        try {
            s.receive(p);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Stops ice4j's checks and keepalives, closes the sockets ice4j owns. Idempotent. */
    void free() {
        selected.completeExceptionally(new WebrtcException("ICE session closed"));
        agent.free();
    }
}
