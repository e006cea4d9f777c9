package io.sluice.net.srt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SrtLog routes libsrt's log lines to SLF4J (logger {@code io.sluice.net.srt.libsrt}) instead of
 * libsrt's default, stderr. Only warnings and worse are produced (srt_setloglevel), because libsrt
 * formats every line it produces even when nobody wants it.
 *
 * <p>libsrt's errors are often routine for a server (a caller with a wrong passphrase, a peer that
 * vanished) and the same event also reaches us as an SrtException, so they go to WARN and its
 * warnings to DEBUG.
 */
final class SrtLog {
    static final Logger LOG = LoggerFactory.getLogger("io.sluice.net.srt.libsrt");

    // syslog levels, which libsrt uses (logging_api.h)
    private static final int LOG_ERR = 3;
    private static final int LOG_WARNING = 4;
    // SLF4J adds time and severity itself; keep libsrt's thread name, it tells which socket worker spoke
    private static final int SRT_LOGF_DISABLE_TIME = 1, SRT_LOGF_DISABLE_SEVERITY = 4, SRT_LOGF_DISABLE_EOL = 8;

    private SrtLog() {}

    /** Installs the handler once per process; the stub lives in the global arena, as libsrt keeps the pointer forever. */
    static void install() throws ReflectiveOperationException {
        var handle = MethodHandles.lookup().findStatic(SrtLog.class, "onLog", MethodType.methodType(void.class,
                MemorySegment.class, int.class, MemorySegment.class, int.class, MemorySegment.class,
                MemorySegment.class));
        MemorySegment stub = Linker.nativeLinker().upcallStub(handle,
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS), Arena.global());
        SrtNative.setLogFlags(SRT_LOGF_DISABLE_TIME | SRT_LOGF_DISABLE_SEVERITY | SRT_LOGF_DISABLE_EOL);
        SrtNative.setLogHandler(MemorySegment.NULL, stub);
        SrtNative.setLogLevel(LOG_WARNING);
    }

    /**
     * The upcall, on whichever thread libsrt logs from (its own workers, or ours inside an srt_* call).
     * Nothing may escape: an exception leaving an upcall terminates the JVM.
     */
    static void onLog(MemorySegment opaque, int level, MemorySegment file, int line, MemorySegment area,
                      MemorySegment message) {
        try {
            String text = message.equals(MemorySegment.NULL) ? "" : message.reinterpret(65536).getString(0).strip();
            // with the time disabled, libsrt's prefix still starts with its "/" separator
            text = text.startsWith("/") ? text.substring(1) : text;
            if (level <= LOG_ERR && !text.contains("is already closed")) {
                // (closing a listener that a thread waits on in srt_accept is how Sluice stops it)
                LOG.warn("{}", text);
            } else {
                LOG.debug("{}", text);
            }
        } catch (Throwable t) {
            SrtUpcalls.swallow("log handler", t);
        }
    }
}
