package io.sluice.path;

import io.sluice.conf.PathConf;
import io.sluice.conf.SourceConf;
import io.sluice.control.SourceStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PathPull is a path's hold on its pull source: made from the entry's source for the path's name, replaced
 * when the entry's source changes, started and stopped by the path (at creation, or by on-demand readers),
 * closed with it. Apart from {@link Path} so that the path keeps to its streams and readers.
 */
final class PathPull {
    private static final Logger LOG = LoggerFactory.getLogger(PathPull.class);

    /** Makes a path's pull source; {@link PathFactory}'s closure over {@link PathSources}. */
    interface Maker {
        PathSource make(SourceConf conf, SourceFeed feed);
    }

    private final String name;
    private final Maker maker;
    private final SourceFeed feed;
    /** The source while the entry pulls, else null. Guarded by this. */
    private PathSource source;
    /** Set by close(): no source is made after it. Guarded by this. */
    private boolean closed;

    PathPull(String name, Maker maker, SourceFeed feed) {
        this.name = name;
        this.maker = maker;
        this.feed = feed;
    }

    /**
     * Makes the source of entry {@code c} (none when it does not pull), stopping the one before; starts it
     * unless the entry pulls on demand.
     */
    void replace(PathConf c) {
        PathSource made = null;
        if (c.source().pulls()) {
            try {
                made = maker.make(c.sourceFor(name), feed);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // a bad expanded URL, or a server without pull sources: the path stays, without a stream
                LOG.error("[path {}] cannot pull from {}: {}", name, c.source().redactedUrl(), e.getMessage());
            }
        }
        PathSource old;
        synchronized (this) {
            old = source;
            source = closed ? null : made;
        }
        if (old != null) {
            // not close(): its thread may be inside this path's callbacks; the sources' executor joins it
            old.stop();
        }
        if (made != null && c.pullsAlways()) {
            start();
        }
    }

    private synchronized PathSource current() {
        return source;
    }

    void start() {
        PathSource s = current();
        if (s != null) {
            s.start();
        }
    }

    void stop() {
        PathSource s = current();
        if (s != null) {
            s.stop();
        }
    }

    SourceStats stats() {
        PathSource s = current();
        return s == null ? null : s.stats();
    }

    /** Closes the source and waits for its thread; its publisher leaves the path before this returns. */
    void close() {
        PathSource s;
        synchronized (this) {
            closed = true;
            s = source;
            source = null;
        }
        if (s != null) {
            s.close();
        }
    }
}
