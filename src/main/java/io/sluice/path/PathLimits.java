package io.sluice.path;

import io.sluice.conf.Conf;
import io.sluice.conf.PathNameException;
import io.sluice.conf.PathNames;
import io.sluice.net.Refusals;
import java.util.function.Supplier;

/**
 * PathLimits are the rules on names and numbers that every protocol applies alike: the path-name rule
 * ({@link PathNames}), {@code maxPaths} and each path's {@code maxReaders}; and the count of their refusals under
 * the protocol that turned a client away. Apart from {@link PathManager}, which asks them before it makes or
 * hands out a path.
 */
final class PathLimits {
    /** The manager's current configuration (maxPaths changes on reload). */
    private final Supplier<Conf> conf;
    private final SessionRegistry sessions;
    private final Refusals refusals;

    PathLimits(Supplier<Conf> conf, SessionRegistry sessions, Refusals refusals) {
        this.conf = conf;
        this.sessions = sessions;
        this.refusals = refusals;
    }

    /** BAD_NAME, naming the offending character, when a name breaks the path-name rule. */
    static void checkName(String name) throws PathException {
        try {
            PathNames.check(name);
        } catch (PathNameException e) {
            throw new PathException(PathException.Reason.BAD_NAME, e.problem());
        }
    }

    /** MAX_PATHS when one more path next to the {@code existing} ones would pass maxPaths. */
    void requireRoomForPath(String name, int existing) throws PathException {
        int max = conf.get().limits().maxPaths();
        if (max > 0 && existing >= max) {
            throw new PathException(PathException.Reason.MAX_PATHS, "path '" + name + "' cannot be created: the"
                    + " server already has " + existing + " paths (maxPaths " + max + ")");
        }
    }

    /** MAX_READERS when the path already has its maxReaders readers (see {@link PathManager#checkReaderRoom}). */
    void checkReaderRoom(Path p) throws PathException {
        int max = p.conf().maxReaders();
        if (max > 0) {
            int n = sessions.readers(p.name());
            if (n >= max) {
                throw new PathException(PathException.Reason.MAX_READERS, "path '" + p.name() + "' already has "
                        + n + " readers (maxReaders " + max + ")");
            }
        }
    }

    /** Counts a refusal of these rules; false for other reasons (see {@link PathManager#countRefusal}). */
    boolean countRefusal(String protocol, String remote, PathException e) {
        Refusals.Cause cause = switch (e.reason()) {
            case BAD_NAME -> Refusals.Cause.BAD_PATH_NAME;
            case MAX_PATHS -> Refusals.Cause.MAX_PATHS;
            case MAX_READERS -> Refusals.Cause.MAX_READERS;
            case NOT_CONFIGURED, BUSY, NO_STREAM, START_TIMEOUT -> null;
        };
        if (cause == null) {
            return false;
        }
        refusals.refuse(protocol, cause, remote, e.getMessage());
        return true;
    }
}
