package io.sluice.net.webrtc;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidateTcpType;
import org.ice4j.ice.Component;
import org.ice4j.ice.ComponentSocket;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.TcpHostCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceTcpSocketWrapper;
import org.ice4j.socket.MultiplexingSocket;
import org.ice4j.socket.StunDatagramPacketFilter;

/**
 * IceTcpHarvester gives each server ICE agent passive TCP host candidates on the shared ICE-TCP port and
 * remembers the agent by its local ufrag; {@link WebrtcTcpMux} then hands it each connection whose first
 * STUN request names that ufrag. The hand-off is what ice4j's own TcpHarvester does with a connection
 * (ice4j's STUN stack answers checks on it, the candidate sends on it, the component socket merges its
 * application data), without that harvester's unnamed listener threads, which drop loopback addresses and
 * keep a bogus connection open for 15 s.
 */
final class IceTcpHarvester implements CandidateHarvester {
    private final List<TransportAddress> addresses;
    /** Weak: a session that is never freed must not be kept by the port. Freed ones are removed by ufrag. */
    private final Map<String, WeakReference<Component>> byUfrag = new ConcurrentHashMap<>();
    private final HarvestStatistics stats = new HarvestStatistics();

    /** @param addresses the bound TCP addresses, one candidate each */
    IceTcpHarvester(List<TransportAddress> addresses) {
        this.addresses = List.copyOf(addresses);
    }

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        List<LocalCandidate> out = new ArrayList<>();
        for (TransportAddress a : addresses) {
            TcpHostCandidate c = new TcpHostCandidate(a, component);
            c.setTcpType(CandidateTcpType.PASSIVE);
            component.addLocalCandidate(c);
            out.add(c);
        }
        byUfrag.put(component.getParentStream().getParentAgent().getLocalUfrag(), new WeakReference<>(component));
        return out;
    }

    /** The session with this local ufrag is gone: its later connections are refused. */
    void forget(String ufrag) {
        byUfrag.remove(ufrag);
    }

    int sessions() {
        byUfrag.values().removeIf(r -> r.get() == null);
        return byUfrag.size();
    }

    /**
     * Gives {@code socket} to the session of {@code ufrag}, with {@code firstStun} (already read) to be read
     * again by ice4j's STUN stack.
     *
     * @throws IceTcpException when no live session has the ufrag or its agent has ended
     */
    void handOver(Socket socket, String ufrag, byte[] firstStun) throws IOException {
        WeakReference<Component> ref = byUfrag.get(ufrag);
        Component component = ref == null ? null : ref.get();
        if (component == null) {
            throw new IceTcpException("no session has ICE ufrag '" + ufrag + "'");
        }
        Agent agent = component.getParentStream().getParentAgent();
        IceProcessingState state = agent.getState();
        ComponentSocket merged = component.getComponentSocket();
        if (state == IceProcessingState.FAILED || state == IceProcessingState.TERMINATED || merged == null) {
            throw new IceTcpException("the session of ICE ufrag '" + ufrag + "' has ended (" + state + ")");
        }
        TcpHostCandidate candidate = candidateFor(component, socket);
        if (candidate == null) {
            throw new IceTcpException("the session of ICE ufrag '" + ufrag + "' has no candidate on "
                    + socket.getLocalSocketAddress());
        }
        attach(candidate, socket, new DatagramPacket(firstStun, firstStun.length, socket.getRemoteSocketAddress()));
    }

    /**
     * Makes {@code socket} one of {@code candidate}'s connections: one multiplexed socket, STUN to the agent's
     * stack (first {@code firstStun} when not null: a request already read), the rest to the candidate and on
     * to the component socket that the transport reads. Shared by the passive side (above) and the active one
     * ({@link IceTcpActive}). From then on the agent owns the socket (freeing the candidate closes it).
     */
    static void attach(TcpHostCandidate candidate, Socket socket, DatagramPacket firstStun) throws IOException {
        Component component = candidate.getParentComponent();
        MultiplexingSocket mux = new MultiplexingSocket(socket);
        IceSocketWrapper stun = new IceTcpSocketWrapper(mux.getSocket(new StunDatagramPacketFilter()));
        component.getParentStream().getParentAgent().getStunStack()
                .addSocket(firstStun == null ? stun : new PushBack(stun, firstStun));
        candidate.addSocket(new IceTcpSocketWrapper(mux));
        component.getComponentSocket().add(mux);
    }

    private static TcpHostCandidate candidateFor(Component component, Socket socket) {
        for (LocalCandidate c : component.getLocalCandidates()) {
            TransportAddress a = c.getTransportAddress();
            if (c instanceof TcpHostCandidate t && a.getPort() == socket.getLocalPort()
                    && a.getAddress().equals(socket.getLocalAddress())) {
                return t;
            }
        }
        return null;
    }

    @Override
    public HarvestStatistics getHarvestStatistics() {
        return stats;
    }

    /** Runs inline, before the agent's answer is written: it only makes candidate objects. */
    @Override
    public boolean isHostHarvester() {
        return true;
    }

    /** A socket whose first receive returns a packet read before ice4j got the connection. */
    private static final class PushBack extends IceSocketWrapper {
        private final IceSocketWrapper wrapped;
        private DatagramPacket first;

        PushBack(IceSocketWrapper wrapped, DatagramPacket first) {
            this.wrapped = wrapped;
            this.first = first;
        }

        @Override
        public void receive(DatagramPacket p) throws IOException {
            DatagramPacket f;
            synchronized (this) {
                f = first;
                first = null;
            }
            if (f == null) {
                wrapped.receive(p);
                return;
            }
            int n = Math.min(p.getLength(), f.getLength());
            System.arraycopy(f.getData(), f.getOffset(), p.getData(), p.getOffset(), n);
            p.setLength(n);
            p.setSocketAddress(f.getSocketAddress());
        }

        @Override
        public void send(DatagramPacket p) throws IOException {
            wrapped.send(p);
        }

        @Override
        public void close() {
            wrapped.close();
        }

        @Override
        public InetAddress getLocalAddress() {
            return wrapped.getLocalAddress();
        }

        @Override
        public int getLocalPort() {
            return wrapped.getLocalPort();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return wrapped.getLocalSocketAddress();
        }

        @Override
        public Socket getTCPSocket() {
            return wrapped.getTCPSocket();
        }

        @Override
        public DatagramSocket getUDPSocket() {
            return wrapped.getUDPSocket();
        }
    }
}
