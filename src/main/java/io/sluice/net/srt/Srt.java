package io.sluice.net.srt;

/**
 * Srt is the process-wide state of the libsrt binding: it loads the library once (Debian's
 * libsrt 1.5, OpenSSL build first, GnuTLS build as fallback), calls {@code srt_startup}, routes
 * libsrt's logging to SLF4J, and calls {@code srt_cleanup} in a JVM shutdown hook.
 *
 * <p>Why the hook: our upcalls attach libsrt's worker threads to the JVM, and an attached thread
 * detaches when it ends. Without the hook, libsrt's static destructor (run by {@code exit()},
 * after the JVM has begun to exit) joins those workers, each worker blocks detaching from the
 * exiting JVM, and the process never ends. In the hook the JVM is still fully alive.
 *
 * <p>Needs {@code --enable-native-access=ALL-UNNAMED} (the launcher and the tests pass it).
 */
public final class Srt {
    private static final String REASON;
    private static final String VERSION;
    private static volatile boolean exiting;

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
            Runtime.getRuntime().addShutdownHook(new Thread(Srt::cleanup, "sluice-srt-cleanup"));
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

    /** Closes every SRT socket (waking blocked receive/accept calls) and ends libsrt's threads. */
    private static void cleanup() {
        exiting = true;
        // srt_cleanup hangs while a listener is blocked in srt_accept (seen at SIGTERM): give the
        // application's own shutdown hook, which runs at the same time, a moment to close its
        // listeners and sockets first.
        long deadline = System.nanoTime() + CLEANUP_WAIT_NANOS;
        while (OPEN.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                break;
            }
        }
        SrtNative.cleanup();
    }

    /** How long the exit hook waits for the application to close its SRT sockets. */
    static final long CLEANUP_WAIT_NANOS = 3_000_000_000L;
    /** Listeners and sockets not closed yet. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    static void opened() {
        OPEN.incrementAndGet();
    }

    static void closed() {
        OPEN.decrementAndGet();
    }
}
