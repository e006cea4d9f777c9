package io.sluice.path;

import io.sluice.conf.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PathDemand brings one path's stream up when a reader asks for it and takes it down after the last reader
 * left (mediamtx's {@code sourceOnDemand} / {@code runOnDemand} state machine, generic over what brings the
 * stream: a {@link StreamOnDemand}).
 *
 * <ul>
 *   <li>idle: nothing runs. A reader's {@link #demand()} starts the stream once, however many readers ask, and
 *       waits with them up to the start timeout;</li>
 *   <li>starting: the stream comes ({@link #streamReady()}) and every waiting reader gets the path; or the start
 *       timeout passes, the waiting readers get a START_TIMEOUT refusal and the starter is stopped;</li>
 *   <li>ready: readers are reading (counted in the {@link SessionRegistry}; forward targets do not count);</li>
 *   <li>closing: no reader any more (or none came after the stream was ready): the starter is stopped after
 *       closeAfter unless a reader comes first.</li>
 * </ul>
 * A stream that ends on its own (the remote went away) stops the starter, as mediamtx does: the next reader
 * starts it again.
 *
 * <p>Thread-safe: readers ask on their event loops, the registry reports on any thread, timers fire on the
 * manager's timer thread. State changes under this object's lock, which is never held while calling out:
 * {@link StreamOnDemand#start()}/{@link StreamOnDemand#stop()} run in order on {@code calls}, and waiting
 * readers are completed after the lock is released (so their callbacks must hop to their own loop).
 */
final class PathDemand implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PathDemand.class);

    /** Where the demand is; shown in the API as {@code onDemand: {state: ...}}. */
    enum State {
        IDLE, STARTING, READY, CLOSING;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Lets a waiting reader in once the stream is there: the path, or why not (maxReaders). */
    @FunctionalInterface
    interface Admission {
        Path admit() throws PathException;
    }

    private final String pathName;
    private final StreamOnDemand starter;
    private final GraceTimer timer;
    private final Executor calls;
    private final IntSupplier readers;
    /** Whether the path has a stream now (not while it keeps an orphaned one for publisherGrace). */
    private final BooleanSupplier hasStream;
    private final Admission admission;
    private final Runnable onIdle;

    // Guarded by this.
    private State state = State.IDLE;
    private boolean closed;
    private final List<CompletableFuture<Path>> waiters = new ArrayList<>();
    private Runnable cancelStartTimer;
    private Runnable cancelCloseTimer;
    private long startedNanos;
    /** The last start/stop handed to {@code calls}: the next one runs after it. */
    private CompletableFuture<Void> calling = CompletableFuture.completedFuture(null);

    /**
     * @param calls runs the starter's start and stop, one at a time (a path-manager thread, not a loop)
     * @param readers the path's reader sessions now
     * @param hasStream whether the path has a stream now; called with this object's lock held
     * @param admission checks a waiting reader in once the stream is there
     * @param onIdle called after the demand went back to idle (the manager may drop a pattern path)
     */
    PathDemand(String pathName, StreamOnDemand starter, GraceTimer timer, Executor calls, IntSupplier readers,
            BooleanSupplier hasStream, Admission admission, Runnable onIdle) {
        this.hasStream = hasStream;
        this.pathName = pathName;
        this.starter = starter;
        this.timer = timer;
        this.calls = calls;
        this.readers = readers;
        this.admission = admission;
        this.onIdle = onIdle;
    }

    synchronized State state() {
        return state;
    }

    /** Whether the starter runs or readers wait: the path must stay. */
    synchronized boolean active() {
        return state != State.IDLE || !waiters.isEmpty();
    }

    /**
     * A reader wants the stream, which the path does not have now: the returned future completes with the path
     * when the stream is there (on the thread that brought it: hop to your own loop), or fails with a
     * {@link PathException} (START_TIMEOUT, NO_STREAM when the path closed). Cancelling it withdraws the
     * reader (a client that left while waiting); the start goes on, bounded by the start timeout and then by
     * closeAfter.
     */
    CompletableFuture<Path> demand() {
        return demand("");
    }

    /** {@link #demand()} by a reader that sent this query with the path: the start, if this one starts it, gets it. */
    CompletableFuture<Path> demand(String query) {
        CompletableFuture<Path> w = new CompletableFuture<>();
        boolean admitNow;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new PathException(PathException.Reason.NO_STREAM,
                        "path '" + pathName + "' is closing"));
            }
            // Asked again under the lock: a stream that came since the caller looked is taken at once, and one
            // coming after this has its streamReady() find the waiter.
            admitNow = hasStream.getAsBoolean();
            if (!admitNow) {
                waiters.add(w);
                if (state != State.STARTING) {
                    cancelClose();
                    if (state == State.IDLE) {
                        LOG.info("[path {}] on demand: a reader asked; starting {}", pathName, starter.describe());
                        startedNanos = System.nanoTime();
                        call(() -> runStart(query));
                    }
                    state = State.STARTING;
                }
                if (cancelStartTimer == null) {
                    cancelStartTimer = timer.after(starter.startTimeout(), this::startTimedOut);
                }
            } else {
                served();
            }
        }
        if (admitNow) {
            admit(w);
        } else {
            w.whenComplete((p, t) -> {
                if (w.isCancelled()) {
                    withdraw(w);
                }
            });
        }
        return w;
    }

    /**
     * A reader was given the stream that is there: if no reader session holds it yet, the close timer starts
     * again, so the reader has closeAfter to register (a DESCRIBE answered, its PLAY still to come).
     */
    synchronized void served() {
        if (state == State.CLOSING && readers.getAsInt() == 0) {
            scheduleClose();
        }
    }

    private synchronized void withdraw(CompletableFuture<Path> w) {
        waiters.remove(w);
    }

    /** The path's stream is there (a publisher, the source or the command, published). */
    void streamReady() {
        List<CompletableFuture<Path>> ready;
        synchronized (this) {
            if (state == State.IDLE || closed) {
                return; // a publisher of its own on a runOnDemand path: not ours to stop
            }
            cancelStart();
            LOG.info("[path {}] on demand: stream ready after {} ms; {} readers were waiting", pathName,
                    (System.nanoTime() - startedNanos) / 1_000_000, waiters.size());
            ready = List.copyOf(waiters);
            waiters.clear();
            if (readers.getAsInt() > 0) {
                state = State.READY;
            } else {
                scheduleClose(); // until the waiting readers register their sessions
            }
        }
        ready.forEach(this::admit);
    }

    /** The path's stream ended: whatever brought it is stopped too (it failed, or we stopped it). */
    void streamGone() {
        synchronized (this) {
            if (state != State.READY && state != State.CLOSING) {
                return;
            }
            LOG.info("[path {}] on demand: the stream ended; stopping {}", pathName, starter.describe());
            stopLocked();
        }
        onIdle.run();
    }

    /** The path's reader sessions changed (one registered or left): starts or cancels the close timer. */
    void readersChanged() {
        synchronized (this) {
            int n = readers.getAsInt();
            if (n > 0 && state == State.CLOSING && hasStream.getAsBoolean()) {
                cancelClose();
                state = State.READY;
            } else if (n == 0 && state == State.READY) {
                LOG.info("[path {}] on demand: last reader left; stopping in {} unless one comes", pathName,
                        Durations.format(starter.closeAfter()));
                scheduleClose();
            }
        }
    }

    private void admit(CompletableFuture<Path> w) {
        try {
            w.complete(admission.admit());
        } catch (PathException e) {
            w.completeExceptionally(e);
        } catch (RuntimeException e) {
            w.completeExceptionally(e);
        }
    }

    private void startTimedOut() {
        List<CompletableFuture<Path>> failed;
        synchronized (this) {
            cancelStartTimer = null;
            if (state != State.STARTING || hasStream.getAsBoolean()) {
                return; // the stream came: its streamReady() completes the waiters
            }
            LOG.warn("[path {}] on demand: no stream within {} (startTimeout); stopping {}; {} readers refused",
                    pathName, Durations.format(starter.startTimeout()), starter.describe(), waiters.size());
            failed = List.copyOf(waiters);
            waiters.clear();
            stopLocked();
        }
        PathException e = new PathException(PathException.Reason.START_TIMEOUT, "the stream of path '" + pathName
                + "' did not come up within " + Durations.format(starter.startTimeout()) + " (on demand from "
                + starter.describe() + ")");
        failed.forEach(w -> w.completeExceptionally(e));
        onIdle.run();
    }

    private void closeTimedOut(Runnable self) {
        synchronized (this) {
            if (cancelCloseTimer != self || state != State.CLOSING) {
                return;
            }
            cancelCloseTimer = null;
            if (readers.getAsInt() > 0) {
                state = State.READY;
                return;
            }
            LOG.info("[path {}] on demand: no reader for {} (closeAfter); stopping {}", pathName,
                    Durations.format(starter.closeAfter()), starter.describe());
            stopLocked();
        }
        onIdle.run();
    }

    /** Ends the demand with its path: waiting readers are refused, the starter stopped. Idempotent. */
    @Override
    public void close() {
        List<CompletableFuture<Path>> failed;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            failed = List.copyOf(waiters);
            waiters.clear();
            if (state != State.IDLE) {
                stopLocked();
            }
        }
        PathException e = new PathException(PathException.Reason.NO_STREAM, "path '" + pathName + "' closed");
        failed.forEach(w -> w.completeExceptionally(e));
    }

    /** The stop that ends every state but idle. Called with the lock held. */
    private void stopLocked() {
        cancelStart();
        cancelClose();
        state = State.IDLE;
        call(this::runStop);
    }

    /** (Re)starts the close timer and enters closing. Called with the lock held. */
    private void scheduleClose() {
        cancelClose();
        state = State.CLOSING;
        Runnable[] self = new Runnable[1];
        self[0] = timer.after(starter.closeAfter(), () -> closeTimedOut(self[0]));
        cancelCloseTimer = self[0];
    }

    private void cancelClose() {
        if (cancelCloseTimer != null) {
            cancelCloseTimer.run();
            cancelCloseTimer = null;
        }
    }

    private void cancelStart() {
        if (cancelStartTimer != null) {
            cancelStartTimer.run();
            cancelStartTimer = null;
        }
    }

    /** Queues a start or stop behind the previous one. Called with the lock held. */
    private void call(Runnable action) {
        calling = calling.handle((v, t) -> null).thenRunAsync(action, task -> {
            try {
                calls.execute(task);
            } catch (RejectedExecutionException e) { // shutting down: run it here rather than leave it running
                task.run();
            }
        });
    }

    private void runStart(String query) {
        try {
            starter.start(query);
        } catch (RuntimeException e) {
            LOG.error("[path {}] on demand: starting {} failed", pathName, starter.describe(), e);
            failStart(e);
        }
    }

    private void failStart(RuntimeException cause) {
        List<CompletableFuture<Path>> failed;
        synchronized (this) {
            if (state != State.STARTING) {
                return;
            }
            failed = List.copyOf(waiters);
            waiters.clear();
            stopLocked();
        }
        PathException e = new PathException(PathException.Reason.NO_STREAM, "the stream of path '" + pathName
                + "' could not be started (" + starter.describe() + "): " + cause.getMessage());
        failed.forEach(w -> w.completeExceptionally(e));
        onIdle.run();
    }

    private void runStop() {
        try {
            starter.stop();
        } catch (RuntimeException e) {
            LOG.error("[path {}] on demand: stopping {} failed", pathName, starter.describe(), e);
        }
    }
}
