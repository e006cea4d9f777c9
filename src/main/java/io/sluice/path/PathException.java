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
        MAX_READERS,
        /** The stream of an on-demand path did not come up within its start timeout. */
        START_TIMEOUT
    }

    private final Reason reason;

    public PathException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** NOT_CONFIGURED: no path entry allows the name. */
    static PathException notConfigured(String path) {
        return new PathException(Reason.NOT_CONFIGURED, "path '" + path + "' is not configured");
    }

    /** NO_STREAM: no one publishes to the path (and it does not bring a stream on demand). */
    static PathException noStream(String path) {
        return new PathException(Reason.NO_STREAM, "no one is publishing to path '" + path + "'");
    }

    /**
     * The refusal a failed {@link PathManager#readableAsync} future carries, unwrapped from the
     * CompletionException/ExecutionException around it; any other failure becomes a NO_STREAM naming it.
     */
    public static PathException of(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof PathException e) {
            return e;
        }
        return new PathException(Reason.NO_STREAM, "no stream: " + t);
    }
}
