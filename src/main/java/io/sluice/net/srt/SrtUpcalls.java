package io.sluice.net.srt;

/** SrtUpcalls is the last resort of every upcall from libsrt: report a Java failure without letting it escape. */
final class SrtUpcalls {
    private SrtUpcalls() {}

    /**
     * Logs {@code t} if it can. It must not throw itself: an exception escaping an upcall ends the
     * JVM, so if even logging fails (out of memory, stack overflow) the failure is dropped.
     */
    static void swallow(String where, Throwable t) {
        try {
            SrtLog.LOG.error("unexpected failure in libsrt {} upcall", where, t);
        } catch (Throwable again) {
            // Nothing left to report to; returning normally is what keeps the process alive.
            return;
        }
    }
}
