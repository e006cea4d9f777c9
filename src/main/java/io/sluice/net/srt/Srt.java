package io.sluice.net.srt;

import io.sluice.threads.SluiceThreads;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;

/**
 * Srt is the process-wide state of the libsrt binding: it loads the library once (Debian's
 * libsrt 1.5, OpenSSL build first, GnuTLS build as fallback), calls {@code srt_startup}, routes
 * libsrt's logging to SLF4J, and shuts libsrt down at exit ({@link #shutdown}).
 *
 * <p>Why at exit, and from Java: our upcalls attach libsrt's worker threads to the JVM, and an
 * attached thread detaches when it ends. Left to libsrt's static destructor (run by {@code exit()},
 * after the JVM has begun to exit), the cleanup joins those workers, each worker blocks detaching
 * from the exiting JVM, and the process never ends. In a shutdown hook the JVM is still alive.
 *
 * <p>Who shuts down: by default a shutdown hook of this class ({@code sluice-srt-cleanup}). A
 * process that owns its exit (Main) calls {@link #takeOverShutdown()} and then {@link #shutdown}
 * itself, after it has closed its servers, so that nothing races the cleanup.
 *
 * <p>When {@code srt_cleanup} may run: only once no thread is inside a libsrt call on a socket
 * ({@link SrtCalls}), because it deletes every socket at once. Sockets the application left open
 * are closed first (listeners and connected sockets by the shutdown itself; a socket in
 * {@code srt_connect} by its own thread, within {@link SrtSocket#CONNECT_SLICE_MS}). The waits are
 * bounded: if a call is still stuck after them, the cleanup is skipped with a warning, and the
 * process ends at once with {@code _exit} (the OS reclaims the memory), because libsrt's static
 * destructor would otherwise run the same cleanup under the stuck thread, or wait for it forever.
 *
 * <p>Needs {@code --enable-native-access=ALL-UNNAMED} (the launcher and the tests pass it).
 */
public final class Srt {
    private static final String REASON;
    private static final String VERSION;
    private static volatile boolean exiting;
    private static final Thread HOOK = SluiceThreads.platform("srt-cleanup", false).newThread(() -> {
        if (!shutdown()) {
            halt(1);
        }
    });
    /** Guarded by Srt.class: whether {@link #shutdown} ran, and whether it cleaned up. */
    private static boolean shutDown, cleanedUp;

    static {
        String reason = null;
        String version = "";
        try {
            if (SrtNative.startup() < 0) {
                throw new IllegalStateException("srt_startup failed: " + SrtNative.lastError().text());
            }
            int v = SrtNative.version();
            version = (v >> 16 & 0xff) + "." + (v >> 8 & 0xff) + "." + (v & 0xff);
            // the CBytePerfMon layout and option numbers were taken from 1.5.1's srt.h
            if ((v >> 8) != 0x0105) {
                throw new IllegalStateException(SrtNative.SONAME + " is libsrt " + version + ", need 1.5.x");
            }
            SrtLog.install();
            // A shutdown hook is the one thread that may not have an owner to close it: it runs at exit.
            Runtime.getRuntime().addShutdownHook(HOOK);
        } catch (ExceptionInInitializerError e) {
            reason = e.getCause() != null ? e.getCause().getMessage() : e.toString();
        } catch (Throwable t) {
            reason = t.getMessage() != null ? t.getMessage() : t.toString();
        }
        REASON = reason;
        VERSION = reason == null ? version : "";
    }

    private Srt() {}

    /** Whether libsrt was loaded; when false, every connect/bind throws an SrtException with {@link #unavailableReason()}. */
    public static boolean available() {
        return REASON == null;
    }

    /** Why libsrt could not be used, e.g. "libsrt not found (apt-get install libsrt1.5-openssl): ..."; "" when available. */
    public static String unavailableReason() {
        return REASON == null ? "" : REASON;
    }

    /** The loaded library's version, e.g. "1.5.1"; "" when unavailable. */
    public static String version() {
        return VERSION;
    }

    /** @throws SrtException when libsrt is not available, naming why */
    static void require() throws SrtException {
        if (REASON != null) {
            throw new SrtException(REASON, 0, 0);
        }
        if (exiting) {
            // a new socket would start libsrt's threads again, which then block the exit
            throw new SrtException("libsrt shut down: the JVM is exiting", 0, 0);
        }
    }

    /**
     * Makes the caller responsible for calling {@link #shutdown} at exit, after it has closed its own
     * SRT servers and clients, instead of this class's shutdown hook, which would run concurrently
     * with the caller's and start closing sockets under it. Call it before any socket exists.
     */
    public static void takeOverShutdown() {
        if (REASON != null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(HOOK);
        } catch (IllegalStateException e) {
            // already exiting: the hook runs, and shutdown() is safe to call from both
        }
    }

    /**
     * Ends libsrt: refuses new sockets, gives the application {@link #APP_CLOSE_WAIT_NANOS} to close
     * its own, closes the listeners and connected sockets left, waits (bounded) until no thread is
     * inside a libsrt call, then runs {@code srt_cleanup}. Idempotent; safe to call from several
     * threads (the later callers wait for the first).
     *
     * @return false when a call stayed stuck and the cleanup was skipped (the caller should then end
     *     the process with {@link #halt}); true otherwise, also when libsrt is not available
     */
    public static synchronized boolean shutdown() {
        if (REASON != null) {
            return true;
        }
        if (shutDown) {
            return cleanedUp;
        }
        shutDown = true;
        exiting = true;
        // 1. the application's own close (servers, forward targets) is the orderly one: wait for it
        long appDeadline = System.nanoTime() + APP_CLOSE_WAIT_NANOS;
        while (SrtCalls.open() > 0 && System.nanoTime() - appDeadline < 0) {
            sleep(10);
        }
        // 2. close what is left, except sockets in srt_connect: only their own thread may close those
        int left = SrtCalls.open();
        if (left > 0) {
            SrtLog.LOG.debug("libsrt shutdown: closing {} socket(s) the application left open", left);
            for (int u : SrtCalls.open(SrtCalls.Kind.LISTENER)) {
                SrtSocket.closeQuietly(u);
            }
            for (int u : SrtCalls.open(SrtCalls.Kind.CONNECTED)) {
                SrtSocket.closeQuietly(u);
            }
        }
        // 3. refuse every later call, and wait for the ones in flight (a connect slice at most)
        SrtCalls.close();
        if (!SrtCalls.awaitNoCall(System.nanoTime() + CALLS_WAIT_NANOS)) {
            SrtLog.LOG.warn("libsrt cleanup skipped: {} call(s) still inside libsrt after {} ms; the process "
                    + "ends without it (the OS reclaims the memory)", SrtCalls.inCall(),
                    (APP_CLOSE_WAIT_NANOS + CALLS_WAIT_NANOS) / 1_000_000);
            return false;
        }
        SrtNative.cleanup();
        cleanedUp = true;
        return true;
    }

    /**
     * Ends the process now with {@code _exit(status)}: no more shutdown hooks, and none of the C
     * library's exit handlers, among them libsrt's static destructor, which would run
     * {@code srt_cleanup} under a thread still inside libsrt. Only for after {@link #shutdown}
     * returned false.
     */
    public static void halt(int status) {
        System.out.flush();
        System.err.flush();
        try {
            var exit = Linker.nativeLinker().downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("_exit").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
            exit.invokeExact(status);
        } catch (Throwable t) {
            Runtime.getRuntime().halt(status);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long {@link #shutdown} waits for the application to close its SRT sockets. */
    static final long APP_CLOSE_WAIT_NANOS = 3_000_000_000L;
    /** How long it then waits for the calls in flight: one connect slice, plus a margin. */
    static final long CALLS_WAIT_NANOS = (SrtSocket.CONNECT_SLICE_MS + 2000) * 1_000_000L;
}
