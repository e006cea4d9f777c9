package io.sluice.threads;

import java.lang.Thread.UncaughtExceptionHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SluiceThreads is the one factory for every thread Sluice starts: it names them {@code sluice-<role>-<n>}
 * (n counts per role from 0, for the life of the process), makes the daemon flag an explicit choice of the
 * caller, and installs {@link #LOG_UNCAUGHT}, so that a thread that dies says so in the log, at ERROR, with
 * its name, rather than as a bare stack trace on stderr.
 *
 * <p>This class only makes threads; it owns none. Whoever calls it owns what it gets: it stops and joins the
 * thread (or closes the executor) in its own {@code close()} (STYLE §11). The README's design section lists
 * every kind of thread with its owner.
 *
 * <p>It depends on no other Sluice package, so that every layer may use it.
 */
public final class SluiceThreads {
    private static final Logger LOG = LoggerFactory.getLogger(SluiceThreads.class);

    /**
     * What every Sluice thread name looks like; tests hold the running server to it. A role is lower case and
     * may end with a path name (forward runners: {@code sluice-fwd-live_cam-0}), which has its own characters.
     */
    public static final Pattern NAME = Pattern.compile("sluice-[a-z][a-z0-9-]*(-\\S+)?-[0-9]+");

    /** Logs a thread's death at ERROR with its name (the JDK default prints to stderr, outside the log). */
    public static final UncaughtExceptionHandler LOG_UNCAUGHT =
            (t, e) -> LOG.error("uncaught exception; thread {} ends", t.getName(), e);

    /** One counter per role, so that "sluice-webrtc-7" is the 8th WebRTC transport thread of the process. */
    private static final Map<String, AtomicLong> COUNTERS = new ConcurrentHashMap<>();

    private SluiceThreads() {
    }

    /** The next name for a thread of this role: {@code sluice-<role>-<n>}. */
    public static String nextName(String role) {
        if (role.isEmpty() || role.startsWith("sluice") || role.endsWith("-")) {
            throw new IllegalArgumentException("thread role \"" + role
                    + "\" must be non-empty, without the sluice- prefix or a trailing '-'");
        }
        return "sluice-" + role + "-" + COUNTERS.computeIfAbsent(role, r -> new AtomicLong()).getAndIncrement();
    }

    /** Names a thread made elsewhere (e.g. Netty's FastThreadLocalThread) and gives it the daemon flag and handler. */
    public static <T extends Thread> T adopt(T thread, String role, boolean daemon) {
        thread.setName(nextName(role));
        thread.setDaemon(daemon);
        thread.setUncaughtExceptionHandler(LOG_UNCAUGHT);
        return thread;
    }

    /**
     * Platform threads of one role. Daemon threads do not keep the JVM alive, so a daemon must still be
     * stopped and joined by its owner; a non-daemon one also holds the process open until it ends.
     */
    public static ThreadFactory platform(String role, boolean daemon) {
        return r -> adopt(new Thread(r), role, daemon);
    }

    /** Virtual threads of one role (always daemon threads). */
    public static ThreadFactory virtual(String role) {
        return r -> {
            Thread t = Thread.ofVirtual().uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(r);
            t.setName(nextName(role));
            return t;
        };
    }

    /** Starts one platform thread; the caller owns it and joins it on close. */
    public static Thread startPlatform(String role, boolean daemon, Runnable task) {
        Thread t = platform(role, daemon).newThread(task);
        t.start();
        return t;
    }

    /** Starts one virtual thread; the caller owns it and joins it on close. */
    public static Thread startVirtual(String role, Runnable task) {
        Thread t = virtual(role).newThread(task);
        t.start();
        return t;
    }

    /** An executor with one new virtual thread per task; the caller closes it ({@code shutdownNow(); close()}). */
    public static ExecutorService perTaskVirtual(String role) {
        return Executors.newThreadPerTaskExecutor(virtual(role));
    }

    /** An executor with one new platform thread per task (for blocking native calls that would pin a carrier). */
    public static ExecutorService perTaskPlatform(String role, boolean daemon) {
        return Executors.newThreadPerTaskExecutor(platform(role, daemon));
    }

    /**
     * Waits up to {@code max} for a thread to end, through interrupts (they are kept for the caller): for an
     * owner's close(), which must not return while its thread still runs. Returns whether it ended; a thread
     * joining itself returns false at once.
     */
    public static boolean join(Thread t, Duration max) {
        if (t == null) {
            return true;
        }
        if (t == Thread.currentThread()) {
            return false;
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + max.toNanos();
        try {
            while (t.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    t.join(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
