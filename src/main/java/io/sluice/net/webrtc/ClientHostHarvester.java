package io.sluice.net.webrtc;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.ice4j.ice.Candidate;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;

/**
 * Host candidates of a WHIP client on ephemeral UDP ports. It replaces ice4j's HostCandidateHarvester,
 * which skips loopback interfaces in code: the peers on this rig (libnice restricted to 127.0.0.1,
 * Chromium) can only be reached on 127.0.0.1.
 *
 * <p>For a relay-only client (iceTransportPolicy relay) its candidates are only the local ends of the TURN
 * allocations: they pair with no remote candidate, so every check and all media go through the relay.
 */
final class ClientHostHarvester implements CandidateHarvester {
    private final List<InetAddress> addresses;
    private final boolean relayBasesOnly;
    private final HarvestStatistics stats = new HarvestStatistics();

    /**
     * @param bindHost one address to bind, or null for every up interface's addresses including loopback
     * @param relayBasesOnly the candidates serve as TURN bases only and pair with nothing
     */
    ClientHostHarvester(String bindHost, boolean relayBasesOnly) throws IOException {
        this.addresses = bindHost == null ? interfaceAddresses() : List.of(InetAddress.getByName(bindHost));
        this.relayBasesOnly = relayBasesOnly;
    }

    /** IPv4 and global IPv6 addresses of the up interfaces, loopback included (link-local is unreachable). */
    static List<InetAddress> interfaceAddresses() throws SocketException {
        List<InetAddress> out = new ArrayList<>();
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (!nif.isUp()) {
                continue;
            }
            for (InetAddress a : nif.inetAddresses().toList()) {
                if (!(a instanceof Inet6Address && a.isLinkLocalAddress())) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        List<LocalCandidate> out = new ArrayList<>();
        for (InetAddress a : addresses) {
            DatagramSocket s = null;
            try {
                // a MultiplexingDatagramSocket, as ice4j's own: the STUN stack reads its filtered view of it
                s = new MultiplexingDatagramSocket(0, a);
                HostCandidate c = relayBasesOnly ? new RelayBase(new IceUdpSocketWrapper(s), component)
                        : new HostCandidate(new IceUdpSocketWrapper(s), component);
                component.addLocalCandidate(c);
                // what ice4j's own host harvester does: the STUN stack reads checks and keepalives from
                // the candidate, and the component socket merges the application data of all candidates
                c.getStunStack().addSocket(c.getStunSocket(null));
                component.getComponentSocket().add(c.getCandidateIceSocketWrapper());
                out.add(c);
            } catch (IOException | RuntimeException e) {
                if (s != null) {
                    s.close();
                }
                org.slf4j.LoggerFactory.getLogger(ClientHostHarvester.class)
                        .warn("no host candidate on {}: {}", a, e.toString());
            }
        }
        return out;
    }

    @Override
    public HarvestStatistics getHarvestStatistics() {
        return stats;
    }

    @Override
    public boolean isHostHarvester() {
        return true;
    }

    /**
     * A host candidate that ice4j pairs with no remote candidate (it asks {@code canReach} as it forms the
     * check list and as remote candidates trickle in); the TURN allocations made from its socket pair as usual.
     */
    private static final class RelayBase extends HostCandidate {
        RelayBase(IceSocketWrapper socket, Component component) {
            super(socket, component);
        }

        @Override
        public boolean canReach(Candidate<?> dst) {
            return false;
        }
    }
}
