package io.sluice.source;

import io.netty.channel.EventLoop;
import io.sluice.conf.SourceConf;
import io.sluice.path.PathSource;
import io.sluice.path.PathSources;
import io.sluice.path.SessionRegistry;
import io.sluice.path.SourceFeed;
import io.sluice.threads.SluiceThreads;
import java.time.InstantSource;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * SourceRunners makes the {@link SourceRunner} of every pulling path and owns their threads: one virtual
 * thread per running source ({@code sluice-source-N}), all ended and joined by {@link #close()}, after the
 * paths closed their runners.
 */
public final class SourceRunners implements PathSources, AutoCloseable {
    private final SourceFactory factory;
    private final Supplier<EventLoop> loops;
    private final InstantSource clock;
    private final ExecutorService executor = SluiceThreads.perTaskVirtual("source");

    /**
     * @param factory makes each attempt's protocol session
     * @param loops gives each attempt the event loop its sockets and stream writes belong on
     */
    public SourceRunners(SourceFactory factory, Supplier<EventLoop> loops, InstantSource clock) {
        this.factory = factory;
        this.loops = loops;
        this.clock = clock;
    }

    @Override
    public PathSource create(String pathName, SourceConf conf, SourceFeed feed, SessionRegistry sessions) {
        return new SourceRunner(pathName, conf, factory, feed, sessions, loops, executor, clock);
    }

    /** Ends every runner's thread (interrupting any still in a session or backoff) and waits for them. */
    @Override
    public void close() {
        executor.shutdownNow();
        executor.close();
    }
}
