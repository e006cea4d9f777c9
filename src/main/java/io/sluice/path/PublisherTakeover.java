package io.sluice.path;

import io.sluice.conf.PathConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PublisherTakeover is a new publisher replacing the one a path has (mediamtx's {@code overridePublisher},
 * default yes): the path hands the stream to the newcomer as it would after a reconnect within
 * {@code publisherGrace}, and the old publisher's connection is closed through the kick its protocol server
 * gave. With {@code overridePublisher: no}, or when the current publisher cannot be disconnected (a pull source,
 * which owns its path), the newcomer is refused with BUSY and the reason.
 *
 * <p>A mobile encoder that lost its network reconnects before the server noticed the old TCP connection
 * die; without a takeover it would be refused until the read timeout, which is the "refused silently".
 */
final class PublisherTakeover {
    private static final Logger LOG = LoggerFactory.getLogger(PublisherTakeover.class);

    private final String path;
    private final String old;
    private final Runnable kickOld;

    private PublisherTakeover(String path, String old, Runnable kickOld) {
        this.path = path;
        this.old = old;
        this.kickOld = kickOld;
    }

    /**
     * The takeover of {@code current}'s path by {@code newcomer}, or BUSY naming why not.
     *
     * @param kickCurrent closes the current publisher's connection; null when it cannot be closed from here
     */
    static PublisherTakeover of(String path, PathConf conf, String current, Runnable kickCurrent, String newcomer)
            throws PathException {
        if (!conf.overridePublisher()) {
            throw new PathException(PathException.Reason.BUSY, "path '" + path + "' already has a publisher ("
                    + current + ") and its overridePublisher is no");
        }
        if (kickCurrent == null) {
            throw new PathException(PathException.Reason.BUSY, "path '" + path + "' already has a publisher ("
                    + current + "), which cannot be replaced");
        }
        LOG.info("[path {}] {} replaces the publisher {} (overridePublisher): closing the old one", path, newcomer,
                current);
        return new PublisherTakeover(path, current, kickCurrent);
    }

    /** Closes the old publisher's connection; called once the newcomer has the stream, without the path's lock. */
    void kickOld() {
        try {
            kickOld.run();
        } catch (RuntimeException e) {
            LOG.warn("[path {}] closing the replaced publisher {} failed", path, old, e);
        }
    }
}
