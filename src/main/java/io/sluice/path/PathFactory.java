package io.sluice.path;

import io.sluice.conf.Conf;
import io.sluice.conf.PathConf;
import io.sluice.forward.BalancedPools;
import io.sluice.forward.ForwardManager;
import io.sluice.threads.SluiceThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * PathFactory makes the paths of one {@link PathManager}, wired to what they share: the manager's timer thread
 * (publisher graces, forward rules), the balanced forward pools, the pull sources, and what brings a stream on
 * demand. Apart from the manager, which keeps the table of paths and decides when one is made or dropped.
 *
 * <p>Owns the timer thread and the executor that closes dropped paths; {@link #close()} stops both, after the
 * manager closed its paths.
 */
final class PathFactory implements AutoCloseable {
    private final PathManagerDeps deps;
    /** The manager's current configuration: GOP cache bounds and write queue size as they are when used. */
    private final Supplier<Conf> conf;
    private final SessionRegistry sessions;
    private final PathLimits limits;
    /** The manager's drop of a path made from a pattern once it is idle, by name. */
    private final Consumer<String> idle;
    /** The balanced forward groups of every path entry, shared by the paths of each entry. */
    private final BalancedPools pools;
    /** Closes dropped paths off the publisher's event loop (closing waits for forwarder threads). */
    private final ExecutorService closer = SluiceThreads.perTaskVirtual("path-close");
    /** Ends the grace of paths whose publisher left (unless a test injects its own timer) and ticks forward rules. */
    private final ScheduledExecutorService timer;
    private final GraceTimer graceTimer;
    /**
     * Which paths bring their stream when a reader asks, and what brings it: pulled sources with sourceOnDemand,
     * unless core sets more (runOnDemand).
     */
    private volatile OnDemandFactory onDemand = OnDemandFactory.SOURCES;

    /** @param graceTimer the timer of publisher graces, or null for the factory's own timer thread */
    PathFactory(PathManagerDeps deps, Supplier<Conf> conf, SessionRegistry sessions, PathLimits limits,
            Consumer<String> idle, GraceTimer graceTimer) {
        this.deps = deps;
        this.conf = conf;
        this.sessions = sessions;
        this.limits = limits;
        this.idle = idle;
        this.pools = new BalancedPools(deps.clock());
        // One timer thread per manager: publisher graces and the forward rules of every path.
        ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor(
                SluiceThreads.platform("path-timer", true));
        this.timer = ex;
        this.graceTimer = graceTimer != null ? graceTimer : (delay, task) -> {
            ScheduledFuture<?> f = ex.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }

    BalancedPools pools() {
        return pools;
    }

    /**
     * The path of {@code name} under entry {@code pc}, with its forward targets. It neither pulls nor brings its
     * stream on demand yet: the manager calls {@link Path#replaceSource()} and {@link #attachDemand} once the
     * path is in its table.
     */
    Path make(String name, PathConf pc) {
        ForwardManager fm = new ForwardManager(name, pc.forwardTargetsFor(name), deps.destFactory(),
                conf.get().io().writeQueueSize(), deps.clock(), () -> sessions.readers(name), timer, pc.name(),
                pc.forwardGroups(), pools);
        return new Path(name, pc, fm, () -> idle.accept(name), graceTimer, () -> conf.get().gopCache(),
                (sc, feed) -> deps.sources().create(name, sc, feed, sessions), deps.events());
    }

    /** Sets which paths bring their stream on demand; the manager then attaches it to the paths that exist. */
    void onDemand(OnDemandFactory factory) {
        this.onDemand = factory;
    }

    /** Whether the paths of this entry bring their stream when a reader asks for it. */
    boolean onDemand(PathConf pc) {
        return onDemand.onDemand(pc);
    }

    /** Gives a path what brings its stream on demand when its entry wants it, and takes it away when not. */
    void attachDemand(Path p, PathConf pc) {
        boolean wanted = onDemand.onDemand(pc);
        if (wanted == (p.demand() != null)) {
            return;
        }
        String name = p.name();
        p.demand(!wanted ? null : new PathDemand(name, onDemand.create(p), graceTimer, closer,
                () -> sessions.readers(name), () -> p.stream() != null, () -> {
                    limits.checkReaderRoom(p);
                    return p;
                }, () -> idle.accept(name)));
    }

    /** Closes a dropped path off the caller's thread (a publisher's event loop), or here when shutting down. */
    void closeLater(Path p) {
        try {
            closer.execute(p::close);
        } catch (RejectedExecutionException e) {
            p.close(); // shutting down: close() below is waiting anyway
        }
    }

    /** Waits for the paths being closed, then stops the timer thread. Called after the manager closed its paths. */
    @Override
    public void close() {
        closer.close();
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
