package io.sluice.path;

/** PathException says why a publish or read on a path was refused. */
public final class PathException extends Exception {
    /** Why the path refused. */
    public enum Reason {
        NOT_CONFIGURED, BUSY, NO_STREAM,
        /** The name breaks the path-name rule ({@link io.sluice.conf.PathNames}). */
        BAD_NAME,
        /** Creating the path would pass {@code maxPaths}. */
        MAX_PATHS,
        /** The path already has {@code maxReaders} readers. */
        MAX_READERS
    }

    private final Reason reason;

    public PathException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
