package io.sluice.net.webrtc;

import java.util.Collection;
import org.ice4j.ice.Component;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestStatistics;

/**
 * InlineHarvester runs a STUN or TURN harvester on the agent's own thread, right after the host
 * candidates it builds on. ice4j runs every harvester that is not a host harvester on
 * {@code CandidateHarvesterSet}'s static, unnamed cached pool ("pool-N-thread-M"), whose threads Sluice
 * can neither name nor stop and which outlive the session by a minute; ice4j runs host harvesters in the
 * order they were added, inline, so presenting a server harvester as one keeps it off that pool.
 *
 * <p>A TURN server that does not answer then delays opening that one client session, on the thread that
 * opens it (about 3 s, InlineHarvesterTest), and nothing else.
 */
final class InlineHarvester implements CandidateHarvester {
    private final CandidateHarvester delegate;

    InlineHarvester(CandidateHarvester delegate) {
        this.delegate = delegate;
    }

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
        return delegate.harvest(component);
    }

    @Override
    public HarvestStatistics getHarvestStatistics() {
        return delegate.getHarvestStatistics();
    }

    /** Host-like for ice4j's scheduling only: it must run after the real host harvester (added first). */
    @Override
    public boolean isHostHarvester() {
        return true;
    }
}
