package io.sluice.hooks;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * ProcessGroups signals whole process groups through libc's kill(2) and reads a process's group with
 * getpgid(2), by the FFM API (the JDK's Process API signals single processes only). A hook runs as the
 * leader of its own group (setsid), so signalling -pgid reaches whatever it started too (the shells,
 * pipelines and background jobs inside it) unless one of them made a session of its own.
 */
final class ProcessGroups {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;

    private static final MethodHandle KILL;
    private static final MethodHandle GETPGID;

    static {
        Linker linker = Linker.nativeLinker();
        KILL = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        GETPGID = linker.downcallHandle(linker.defaultLookup().find("getpgid").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private ProcessGroups() {
    }

    /** Sends sig to every process of group pgid; false when the group has no process left (or is not ours). */
    static boolean signal(long pgid, int sig) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("refusing to signal process group " + pgid);
        }
        try {
            return (int) KILL.invokeExact(-(int) pgid, sig) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("kill(" + -pgid + ", " + sig + ") failed", t);
        }
    }

    /**
     * Whether the group has a process left. Processes that ended but were not reaped yet (zombies waiting
     * for init) count, so this turns false a moment after they are gone.
     */
    static boolean exists(long pgid) {
        return signal(pgid, 0);
    }

    /** The process group of a process, or -1 when it is gone. */
    static long groupOf(long pid) {
        try {
            return (int) GETPGID.invokeExact((int) pid);
        } catch (Throwable t) {
            throw new IllegalStateException("getpgid(" + pid + ") failed", t);
        }
    }
}
