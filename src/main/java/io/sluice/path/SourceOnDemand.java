package io.sluice.path;

import java.time.Duration;

/**
 * SourceOnDemand is the {@link StreamOnDemand} of a path whose entry pulls with {@code sourceOnDemand: yes}: it
 * starts and stops the path's pull source ({@link Path#startSource()}/{@link Path#stopSource()}), with the
 * entry's {@code sourceOnDemandStartTimeout} and {@code sourceOnDemandCloseAfter}, read at each use so that a
 * reload's new values apply to the next start.
 */
final class SourceOnDemand implements StreamOnDemand {

    private final Path path;

    SourceOnDemand(Path path) {
        this.path = path;
    }

    @Override
    public void start() {
        path.startSource();
    }

    @Override
    public void stop() {
        path.stopSource();
    }

    @Override
    public Duration startTimeout() {
        return path.conf().source().onDemandStartTimeout();
    }

    @Override
    public Duration closeAfter() {
        return path.conf().source().onDemandCloseAfter();
    }

    @Override
    public String describe() {
        return "source " + path.conf().sourceFor(path.name()).redactedUrl();
    }
}
