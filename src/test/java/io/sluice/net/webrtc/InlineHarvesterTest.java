package io.sluice.net.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ice4j.ice.Agent;
import org.ice4j.ice.Component;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.junit.jupiter.api.Test;

/**
 * Where ice4j runs a STUN/TURN harvester: wrapped in {@link InlineHarvester}, on the thread that creates the
 * component, after the host candidates; unwrapped, on ice4j's unnamed static pool (the thread TurnIT's
 * census caught still alive after the server closed).
 */
class InlineHarvesterTest {
    /** A server harvester that records where and when ice4j runs it. */
    static final class Recording implements CandidateHarvester {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public Collection<LocalCandidate> harvest(Component component) {
            calls.add(Thread.currentThread().getName() + " after " + component.getLocalCandidateCount() + " host");
            return List.of();
        }

        @Override
        public HarvestStatistics getHarvestStatistics() {
            return new HarvestStatistics();
        }

        @Override
        public boolean isHostHarvester() {
            return false; // a STUN/TURN harvester's answer
        }
    }

    /** Gathers a component's candidates with the client host harvester and then {@code server}. */
    private static void gather(CandidateHarvester server) throws Exception {
        Ice4jSettings.apply();
        Agent agent = new Agent();
        try {
            agent.setUseDynamicPorts(false);
            agent.addCandidateHarvester(new ClientHostHarvester("127.0.0.1", false));
            agent.addCandidateHarvester(server);
            agent.createComponent(agent.createMediaStream("bundle"), KeepAliveStrategy.SELECTED_ONLY, true);
        } finally {
            agent.free();
        }
    }

    @Test
    void serverHarvesterRunsOnTheCallersThreadAfterTheHostCandidates() throws Exception {
        Recording inline = new Recording();
        gather(new InlineHarvester(inline));
        // not on ice4j's unnamed static pool ("pool-N-thread-M"), which outlives the session by a minute
        assertThat(inline.calls).containsExactly(Thread.currentThread().getName() + " after 1 host");
    }

    /** The cost of running inline: a TURN server that never answers holds up opening the session this long. */
    @Test
    void aSilentTurnServerDelaysTheSessionBoundedly() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            IceServer turn = IceServer.parse("turn:u:p@127.0.0.1:" + silent.getLocalPort());
            long t0 = System.nanoTime();
            IceSession s = IceSession.client(List.of(turn), "127.0.0.1", false);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            try {
                System.out.println("silent TURN server: session opened after " + ms + " ms");
                assertThat(s.localCandidates()).singleElement().asString().contains("typ host");
                assertThat(ms).isLessThan(6_000); // ~3 s measured
            } finally {
                s.free();
            }
        }
    }

    @Test
    void aPlainServerHarvesterRunsOnIce4jsPool() throws Exception {
        Recording plain = new Recording();
        gather(plain);
        assertThat(plain.calls).singleElement().asString().startsWith("pool-");
    }
}
