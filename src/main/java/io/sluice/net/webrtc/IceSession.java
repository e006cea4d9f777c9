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
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RelayedCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.SinglePortUdpHarvester;
import org.ice4j.ice.harvest.StunCandidateHarvester;
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
    /**
     * How long closing waits for the TURN server to confirm an allocation's release: one round trip and
     * ice4j's first retransmission (RFC 5389's 500 ms RTO), so one lost datagram is survived.
     */
    static final long TURN_RELEASE_MILLIS = 1_500;

    private final Agent agent;
    private final IceMediaStream stream;
    private final Component component;
    private final List<String> extraCandidates;
    /** iceTransportPolicy relay: only relayed candidates are offered (host ones are only their bases). */
    private final boolean relayOnly;
    /** The ICE-TCP port this server session registered with, or null. */
    private WebrtcTcpMux tcp;
    /** A client's TURN harvesters: their allocations are released before the agent is freed. */
    private List<TurnHarvester> turn = List.of();
    /** A client's connects to the remote's passive TCP candidates, or null (server, relay only). */
    private IceTcpActive tcpActive;
    private final CompletableFuture<CandidatePair> selected = new CompletableFuture<>();
    private volatile IceSocketWrapper sendSocket;
    private volatile TransportAddress sendTo;
    private boolean started;

    private IceSession(Agent agent, List<String> extraCandidates, boolean relayOnly) throws IOException {
        this.agent = agent;
        this.extraCandidates = extraCandidates;
        this.relayOnly = relayOnly;
        agent.addStateChangeListener(this::onStateChange);
        agent.setPerformConsentFreshness(true);
        this.stream = agent.createMediaStream("bundle");
        // KeepAliveStrategy.SELECTED_ONLY: keep only the pair in use alive; the component socket merges
        // the application data of every candidate, which ice4j requires us to read from
        this.component = agent.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, true);
    }

    /**
     * ICE controlled, host candidates on the mux's shared UDP port and, when {@code tcp} is not null, passive
     * TCP host candidates on the shared ICE-TCP port.
     */
    static IceSession server(WebrtcUdpMux mux, WebrtcTcpMux tcp) throws IOException {
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
        if (tcp != null) {
            // registers the agent's ufrag with the TCP port: its connections are handed over by it
            agent.addCandidateHarvester(tcp.harvester());
        }
        List<String> extra = new ArrayList<>();
        int i = 0;
        for (InetAddress a : mux.extraAddresses()) {
            extra.add(IceCandidates.formatExtraHost("x" + i, a, mux.port(), i));
            i++;
        }
        if (tcp != null) {
            i = 0;
            for (InetAddress a : tcp.extraAddresses()) {
                extra.add(IceCandidates.formatExtraTcpHost("t" + i, a, tcp.port(), i));
                i++;
            }
        }
        IceSession s = build(agent, extra, false);
        s.tcp = tcp;
        return s;
    }

    /**
     * ICE controlling, own ephemeral port(s), STUN/TURN harvesting (ice4j bounds it, Ice4jSettings).
     *
     * @param relayOnly use only TURN-relayed candidates (iceTransportPolicy relay): the host candidates stay
     *     the bases of the allocations but are neither offered nor paired
     * @throws WebrtcException when relayOnly is asked without a UDP TURN server
     */
    static IceSession client(List<IceServer> iceServers, String bindHost, boolean relayOnly) throws IOException {
        if (relayOnly && iceServers.stream().noneMatch(s -> s.isTurn() && usable(s))) {
            throw new WebrtcException("iceTransportPolicy relay needs a TURN server over UDP (turn:user:pass@host:port)"
                    + " in webrtcConfig.iceServers or in the remote's Link header; have " + iceServers);
        }
        Ice4jSettings.apply();
        Agent agent = new Agent();
        agent.setControlling(true);
        agent.setUseDynamicPorts(false);
        agent.addCandidateHarvester(new ClientHostHarvester(bindHost, relayOnly));
        List<TurnHarvester> turn = new ArrayList<>();
        for (IceServer s : iceServers) {
            if (!usable(s)) {
                // ice4j harvests over UDP host candidates only; TCP/TLS servers need ICE-TCP we do not do
                LOG.warn("skipping ICE server {}: only UDP STUN/TURN is supported", s);
                continue;
            }
            TransportAddress a = new TransportAddress(s.host(), s.port(), Transport.UDP);
            // inline: after the host candidates (added first), and off ice4j's unnamed harvest pool
            if (s.isTurn()) {
                TurnHarvester h = new TurnHarvester(a, new LongTermCredential(s.username(), s.password()));
                turn.add(h);
                agent.addCandidateHarvester(new InlineHarvester(h));
            } else {
                agent.addCandidateHarvester(new InlineHarvester(new StunCandidateHarvester(a)));
            }
        }
        IceSession session = build(agent, List.of(), relayOnly);
        session.turn = List.copyOf(turn);
        if (!relayOnly) {
            session.tcpActive = new IceTcpActive(bindHost, IceTcpActive.CONNECT_TIMEOUT);
        }
        return session;
    }

    private static boolean usable(IceServer s) {
        return s.transport().equals("udp") && !s.scheme().endsWith("s");
    }

    private static IceSession build(Agent agent, List<String> extra, boolean relayOnly) throws IOException {
        try {
            return new IceSession(agent, extra, relayOnly);
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
            if (!relayOnly || c.getType() == CandidateType.RELAYED_CANDIDATE) {
                out.add(IceCandidates.format(c));
            }
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
        if (tcpActive != null) {
            tcpActive.connect(component, remoteCandidates);
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

    /** "local <-> remote udp" (or tcp, or relay) of the selected pair, or "" before. */
    String selectedPair() {
        IcePair p = pair();
        return p == null ? "" : p.toString();
    }

    /** The selected pair's transport and ends, null before a pair is selected. */
    IcePair pair() {
        CandidatePair p = selected.getNow(null);
        if (p == null) {
            return null;
        }
        LocalCandidate l = p.getLocalCandidate();
        RemoteCandidate r = p.getRemoteCandidate();
        return new IcePair(IcePair.transport(l.getType() == CandidateType.RELAYED_CANDIDATE,
                r.getType() == CandidateType.RELAYED_CANDIDATE, l.getTransport() == Transport.TCP),
                IceCandidates.hostPort(l), IceCandidates.hostPort(r));
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
        if (s.getTCPSocket() != null) {
            // RTP and RTCP are sent under different locks (SrtpSender): on TCP the two writes of a length
            // and a packet (RFC 4571) must not interleave with another packet's
            synchronized (s) {
                s.send(p);
            }
        } else {
            s.send(p);
        }
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

    /**
     * Releases the TURN allocations (bounded, {@link #TURN_RELEASE_MILLIS}), then stops ice4j's checks and
     * keepalives and closes the sockets ice4j owns. Idempotent. Blocks: call it from a session's own thread,
     * never from an event loop.
     */
    void free() {
        selected.completeExceptionally(new WebrtcException("ICE session closed"));
        if (tcp != null) {
            tcp.forgetSession(agent.getLocalUfrag());
        }
        releaseTurnAllocations();
        agent.free();
    }

    /**
     * Closes the relayed candidates' sockets, which makes ice4j send each allocation's Refresh(0), and waits
     * for the TURN server's answers while the agent's STUN stack and host sockets still run: ice4j's own
     * {@code Agent.free()} stops the stack first and frees the relayed candidates after, so their Refresh
     * never left (TurnHarvester). A server that does not answer costs at most TURN_RELEASE_MILLIS; its
     * allocation then expires on its own.
     */
    private void releaseTurnAllocations() {
        if (turn.isEmpty()) {
            return;
        }
        int closed = 0;
        for (LocalCandidate c : component.getLocalCandidates()) {
            if (c instanceof RelayedCandidate r) {
                // its STUN connector first, as ice4j's own free does: it would die reading the closed socket
                agent.getStunStack().removeSocket(r.getTransportAddress());
                r.getCandidateIceSocketWrapper().close();
                closed++;
            }
        }
        if (closed == 0) {
            return;
        }
        long deadline = System.nanoTime() + TURN_RELEASE_MILLIS * 1_000_000L;
        int pending = 0;
        for (TurnHarvester h : turn) {
            pending += h.awaitReleased(deadline);
        }
        if (pending > 0) {
            LOG.info("ICE {}: {} of {} TURN allocation(s) not confirmed released within {} ms; they expire on the "
                    + "server", agent.getLocalUfrag(), pending, closed, TURN_RELEASE_MILLIS);
        } else {
            LOG.debug("ICE {}: {} TURN allocation(s) released", agent.getLocalUfrag(), closed);
        }
    }
}
