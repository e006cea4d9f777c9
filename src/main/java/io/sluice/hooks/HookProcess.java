package io.sluice.hooks;

import io.sluice.conf.Redact;
import io.sluice.threads.SluiceThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HookProcess is one hook command's life: it starts the command (with {@code setsid}, so the command leads a
 * process group of its own: pid == pgid), logs its output, restarts it after it exits when asked to, and
 * ends it when told to stop: SIGTERM to the whole group, SIGKILL after a grace, the leader reaped.
 *
 * <p>Output: stdout and stderr go into one pipe, read by a named thread of this hook that logs each line
 * under the hook's label (credentials in URLs masked). Inheriting Sluice's stdout would be cheaper, but the
 * lines would bypass the log's destinations (logFile) and carry no hook name, and ffmpeg's output is what a
 * user reads when a relay fails.
 *
 * <p>What a command leaves behind: when it exits by itself, processes it started in its group stay (a
 * one-shot hook's background job is "detached but owned"); they get the same SIGTERM/SIGKILL when the hook
 * is stopped (its trigger ended, or shutdown). Before a restart they are ended first, so restarts do not
 * pile up orphans. A process that makes a session of its own (daemon) escapes the group, as under mediamtx.
 * Grandchildren, once dead, are reparented to and reaped by init, not by the JVM.
 *
 * <p>Threads: one virtual thread runs the loop and owns the process; {@link #stop()} only flags and
 * interrupts it, so a trigger on an event loop never waits; {@link #close()} stops and joins.
 */
final class HookProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HookProcess.class);
    /** Used to put the command in a process group of its own (util-linux). */
    static final String SETSID = "setsid";

    /** Pauses of a hook. */
    record Timing(Duration restartDelay, Duration killGrace) {
        /** 1 s before a restart (mediamtx waits 5 s); SIGKILL 5 s after SIGTERM. */
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    private final String label;
    private final String commandLine;
    private final Map<String, String> vars;
    /** The values of MTX_QUERY's secret parameters, masked in every line this hook logs (longest first). */
    private final List<String> secrets;
    private final boolean restart;
    private final Timing timing;
    private final Runnable onEnd;
    private volatile boolean stopping;
    private volatile Process current;
    private Thread thread;

    /**
     * @param label how logs name it, e.g. "runOnReady cam1"
     * @param commandLine as configured; split and expanded with vars at each start ({@link HookCommand})
     * @param vars the hook's variables, also added to its environment
     * @param onEnd called on the hook's thread once it has ended for good
     */
    HookProcess(String label, String commandLine, Map<String, String> vars, boolean restart, Timing timing,
            Runnable onEnd) {
        this.label = label;
        this.commandLine = commandLine;
        this.vars = Map.copyOf(vars);
        this.secrets = secretsOf(this.vars.getOrDefault("MTX_QUERY", ""));
        this.restart = restart;
        this.timing = timing;
        this.onEnd = onEnd;
    }

    String label() {
        return label;
    }

    /** Starts the hook's thread, which starts the command. */
    synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(label + " already started");
        }
        thread = SluiceThreads.startVirtual("hook", this::run);
    }

    /** The running command's pid (its group's id too), or -1. */
    long pid() {
        Process p = current;
        return p == null ? -1 : p.pid();
    }

    /** The running command's process, or null (tests). */
    Process process() {
        return current;
    }

    /** Ends the hook without waiting: SIGTERM to its group now, SIGKILL after the grace (on its thread). */
    void stop() {
        stopping = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }

    /** Waits for the hook's thread to end; true when it has. */
    boolean await(Duration max) {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        return SluiceThreads.join(t, max);
    }

    /** Stops the hook and waits until its process group is signalled, its leader reaped and its threads ended. */
    @Override
    public void close() {
        stop();
        if (!await(timing.killGrace().plusSeconds(5))) {
            LOG.warn("[hook {}] did not end within {} s", label, timing.killGrace().plusSeconds(5).toSeconds());
        }
    }

    private void run() {
        try {
            while (!stopping) {
                Process p = launch();
                if (p != null) {
                    current = p;
                    Thread out = SluiceThreads.startVirtual("hook-out", () -> logOutput(p));
                    boolean ended = waitForExit(p);
                    if (!ended) {
                        terminate(p);
                    }
                    reapLeftovers(p.pid());
                    joinOutput(out);
                    current = null;
                    if (!ended) {
                        return;
                    }
                }
                if (!restart || stopping) {
                    return;
                }
                LOG.info("[hook {}] restarting in {} ms", label, timing.restartDelay().toMillis());
                try {
                    Thread.sleep(timing.restartDelay());
                } catch (InterruptedException e) {
                    return; // stopped while pausing: nothing runs
                }
            }
        } finally {
            onEnd.run();
        }
    }

    /** Shorter secret values are not masked wherever they appear: "1" would mask every digit 1 of the log. */
    private static final int MIN_MASKED = 3;

    /**
     * A text for the log with URL credentials masked, and the values of MTX_QUERY's secret parameters masked
     * wherever they appear: in a command line that passes them as plain words, in the command's own output
     * (whole or cut up), where {@link Redact#text} alone only sees a "token=" that follows a '?' or '&amp;'.
     */
    private String masked(String text) {
        if (text == null) {
            return Redact.text(null);
        }
        String t = text;
        for (String secret : secrets) {
            t = t.replace(secret, "***");
        }
        return Redact.text(t);
    }

    /** The values of a query's secret parameters, raw and percent-decoded, longest first. */
    static List<String> secretsOf(String query) {
        List<String> out = new ArrayList<>();
        for (String kv : query.split("[&;]")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && Redact.isSecretParam(kv.substring(0, eq))) {
                String raw = kv.substring(eq + 1);
                out.add(raw);
                try {
                    out.add(java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // a bad %-escape: the raw value is masked
                }
            }
        }
        out.removeIf(v -> v.length() < MIN_MASKED);
        out.sort(java.util.Comparator.comparingInt(String::length).reversed());
        return out;
    }

    /** Starts the command; null (logged) when it cannot start: the hook then ends, or retries if it restarts. */
    private Process launch() {
        List<String> argv;
        try {
            Map<String, String> env = System.getenv();
            argv = new ArrayList<>(HookCommand.argv(commandLine, vars, env));
            argv.set(0, HookCommand.resolve(argv.get(0), vars.getOrDefault("PATH", env.get("PATH"))));
        } catch (HookCommandException e) {
            LOG.warn("[hook {}] cannot start: {}", label, masked(e.getMessage()));
            return null;
        }
        List<String> cmd = new ArrayList<>(argv.size() + 1);
        cmd.add(SETSID);
        cmd.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(vars);
        try {
            Process p = pb.start();
            LOG.info("[hook {}] started (pid {}): {}", label, p.pid(), masked(String.join(" ", argv)));
            return p;
        } catch (IOException e) {
            LOG.warn("[hook {}] cannot start: {}", label, masked(e.getMessage()));
            return null;
        }
    }

    /** Waits for the command to exit; true when it did (logged with its status), false when stopped first. */
    private boolean waitForExit(Process p) {
        try {
            int status = p.waitFor();
            if (status == 0) {
                LOG.info("[hook {}] exited with status 0", label);
            } else if (status > 128) {
                LOG.warn("[hook {}] exited with status {} (signal {})", label, status, status - 128);
            } else {
                LOG.warn("[hook {}] exited with status {}", label, status);
            }
            return true;
        } catch (InterruptedException e) {
            return false; // stop(): its interrupt
        }
    }

    /** SIGTERM to the group, SIGKILL after the grace; returns once the leader is reaped. */
    private void terminate(Process p) {
        long pgid = p.pid();
        boolean ownGroup = ProcessGroups.groupOf(pgid) == pgid;
        if (ownGroup) {
            ProcessGroups.signal(pgid, ProcessGroups.SIGTERM);
        } else {
            p.destroy(); // setsid has not run yet (a stop right after the start): signal the one process there is
        }
        boolean exited = waitUninterruptibly(p, timing.killGrace());
        if (!exited || (ownGroup && ProcessGroups.exists(pgid) && !reaped(pgid))) {
            LOG.warn("[hook {}] still running {} ms after SIGTERM: SIGKILL", label, timing.killGrace().toMillis());
            if (!ProcessGroups.signal(pgid, ProcessGroups.SIGKILL)) {
                p.destroyForcibly();
            }
            waitUninterruptibly(p, Duration.ofSeconds(5));
        }
        int status = p.isAlive() ? -1 : p.exitValue();
        LOG.info("[hook {}] stopped (status {})", label, status);
    }

    /**
     * After the leader exited: ends what it left in its group. When the hook is stopped or restarts, now;
     * otherwise (a command that ended by itself and does not restart) its leftovers stay until the stop.
     */
    private void reapLeftovers(long pgid) {
        if (!ProcessGroups.exists(pgid) || reaped(pgid)) {
            return;
        }
        while (!stopping && !restart && ProcessGroups.exists(pgid)) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                break; // stop()
            }
        }
        if (!ProcessGroups.exists(pgid)) {
            return;
        }
        ProcessGroups.signal(pgid, ProcessGroups.SIGTERM);
        long deadline = System.nanoTime() + timing.killGrace().toNanos();
        boolean interrupted = false;
        while (ProcessGroups.exists(pgid) && !reaped(pgid) && System.nanoTime() < deadline) {
            interrupted |= pauseInterrupted(50);
        }
        if (ProcessGroups.exists(pgid) && !reaped(pgid)) {
            LOG.warn("[hook {}] processes left in its group after SIGTERM: SIGKILL", label);
            ProcessGroups.signal(pgid, ProcessGroups.SIGKILL);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether every process left in the group is a zombie (dead, waiting for init to reap it): reading
     * /proc is the only way to tell them from live ones, since kill(-pgid, 0) counts both.
     */
    private static boolean reaped(long pgid) {
        try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            return procs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
                    .noneMatch(d -> liveMemberOf(d, pgid));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean liveMemberOf(java.nio.file.Path procDir, long pgid) {
        try {
            String stat = java.nio.file.Files.readString(procDir.resolve("stat"));
            // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[2]) == pgid && !f[0].equals("Z") && !f[0].equals("X");
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile
        }
    }

    private boolean waitUninterruptibly(Process p, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    return p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // a second stop() (shutdown): the grace still runs its course
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void logOutput(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    LOG.info("[hook {}] {}", label, masked(line));
                }
            }
        } catch (IOException e) {
            LOG.debug("[hook {}] output closed: {}", label, e.getMessage());
        }
    }

    /** The output pipe ends when every process holding it has ended, which the group signals made sure of. */
    private void joinOutput(Thread out) {
        if (!SluiceThreads.join(out, Duration.ofSeconds(2))) {
            LOG.warn("[hook {}] a process outside its group still holds its output; closing the pipe", label);
            try {
                current.getInputStream().close();
            } catch (IOException e) {
                LOG.debug("[hook {}] closing the output: {}", label, e.getMessage());
            }
            SluiceThreads.join(out, Duration.ofSeconds(2));
        }
    }

    /** Sleeps ms; true when interrupted (the flag is cleared, for the caller to restore when done). */
    private static boolean pauseInterrupted(long ms) {
        try {
            Thread.sleep(ms);
            return false;
        } catch (InterruptedException e) {
            return true; // a second stop() (shutdown): the grace still runs its course
        }
    }
}
