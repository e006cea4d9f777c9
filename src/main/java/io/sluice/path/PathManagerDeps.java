package io.sluice.path;

import io.sluice.conf.ForwardDest;
import io.sluice.forward.Dest;
import io.sluice.net.Refusals;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.Function;

/**
 * PathManagerDeps is what a {@link PathManager} works with besides its configuration: the collaborators core
 * wires in, each replaceable by a test.
 *
 * @param destFactory makes the forwarder of each forward target
 * @param clock the time of sessions, forward rules and balanced pools
 * @param refusals where {@link PathManager#countRefusal} counts bad names, maxPaths and maxReaders refusals
 * @param sources makes the pull source of each path whose entry pulls ({@link PathSources#NONE}: none)
 * @param events told of paths, streams and sessions as they come and go (must return at once)
 */
public record PathManagerDeps(Function<ForwardDest, Dest> destFactory, InstantSource clock, Refusals refusals,
        PathSources sources, PathEvents events) {

    public PathManagerDeps {
        Objects.requireNonNull(destFactory, "destFactory");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(refusals, "refusals");
        Objects.requireNonNull(sources, "sources");
        Objects.requireNonNull(events, "events");
    }

    /** A manager's collaborators without pull sources or observers, counting refusals on its own. */
    public static PathManagerDeps of(Function<ForwardDest, Dest> destFactory, InstantSource clock) {
        return new PathManagerDeps(destFactory, clock, new Refusals(), PathSources.NONE, PathEvents.NONE);
    }

    public PathManagerDeps withRefusals(Refusals r) {
        return new PathManagerDeps(destFactory, clock, r, sources, events);
    }

    public PathManagerDeps withSources(PathSources s) {
        return new PathManagerDeps(destFactory, clock, refusals, s, events);
    }

    public PathManagerDeps withEvents(PathEvents e) {
        return new PathManagerDeps(destFactory, clock, refusals, sources, e);
    }
}
