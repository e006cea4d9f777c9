package io.sluice.it;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * ThreadCensus lists the threads of this JVM, virtual ones included (a JSON thread dump, since
 * {@code Thread.getAllStackTraces()} leaves virtual threads out), so a test can tell which threads a server
 * started and whether they ended at its close.
 */
final class ThreadCensus {
    /** One thread: its id, name and stack (top first). */
    record Seen(long tid, String name, boolean virtual, List<String> stack) {
        @Override
        public String toString() {
            return "\"" + name + "\" tid=" + tid + (virtual ? " virtual" : "") + "\n\tat "
                    + String.join("\n\tat ", stack.subList(0, Math.min(stack.size(), 25)));
        }
    }

    /**
     * Threads no server starts, or that outlive a server by design, each with its reason. A name that starts with
     * one of these is ignored.
     */
    private static final List<String> NOT_THE_SERVERS = List.of(
            // the JDK's own: virtual thread scheduler and pollers, common pool, reference handling, tools
            "ForkJoinPool", "VirtualThread-", "Read-Poller", "Write-Poller", "MasterPoller", "SubPoller-", "process reaper",
            "Common-Cleaner",
            "Reference Handler", "Finalizer", "Signal Dispatcher", "Notification Thread", "Attach Listener",
            "InnocuousThread-", "JFR ", "RMI ", "Keep-Alive-", "Java2D",
            // java.lang.ref.Cleaner threads: a static Cleaner.create() of the JDK or a library, started on first
            // use (seen: "Cleaner-0", first created during an RTSP-over-UDP test) and alive for the process
            "Cleaner-",
            // java.net.http.HttpClient threads end only when the client is unreachable: the tests' own clients,
            // and Sluice's single process-wide WHIP client (one per process by design, commit 24cb397)
            "HttpClient-",
            // the test's own: peer output pumps, threads named it-*, JUnit's timeout watcher, surefire/failsafe plumbing
            "peer-", "it-", "junit-", "surefire-",
            // Netty's process-wide helpers: GlobalEventExecutor stops by itself 1 s after its last task,
            // ObjectCleaner is a single daemon for all FastThreadLocals of the JVM
            "globalEventExecutor-", "ObjectCleanerThread",
            // prometheus-metrics-core's static Scheduler (io.prometheus.metrics.core.util.Scheduler), started by the
            // first Summary/Histogram that needs it and never stopped: a library-wide pool, nothing to close
            "prometheus-metrics-scheduler-",
            // ice4j's static pools (Agent.agentTasksScheduler/agentTasksExecutor, StunStack.tasksScheduler,
            // NetAccessManager.messageProcessingExecutor, StunClientTransaction.retransmissionTimer/Executor):
            // static final fields with idle timeouts and no shutdown API, shared by every ICE agent of the JVM
            "ice4j.");

    private ThreadCensus() {
    }

    /** The ids of every thread alive now. */
    static Set<Long> ids() {
        Set<Long> ids = new HashSet<>();
        for (Seen t : all()) {
            ids.add(t.tid());
        }
        return ids;
    }

    /**
     * Waits up to {@code max} for the threads started since {@code before} (other than those in
     * {@link #NOT_THE_SERVERS}) to end, and returns those still alive then.
     */
    static List<Seen> survivors(Set<Long> before, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            List<Seen> left = new ArrayList<>();
            for (Seen t : all()) {
                if (!before.contains(t.tid()) && NOT_THE_SERVERS.stream().noneMatch(t.name()::startsWith)
                        && !isJdkSystemThread(t) && !isTestThread(t)) {
                    left.add(t);
                }
            }
            if (left.isEmpty() || System.nanoTime() > deadline) {
                return left;
            }
            Thread.sleep(100);
        }
    }

    /**
     * The JDK's own daemons (Cleaner threads, virtual-thread pollers, ...) run as InnocuousThread: process-wide,
     * started on first use by whoever needed them, never a server's to stop.
     */
    private static boolean isJdkSystemThread(Seen t) {
        return t.stack().stream().anyMatch(f -> f.contains("jdk.internal.misc.InnocuousThread.run")
                || f.contains("sun.nio.ch.Poller.")); // the virtual-thread I/O pollers (MasterPoller, SubPoller-N)
    }

    /** The test's own unnamed helpers (e.g. a virtual thread that runs a blocking client call). */
    private static boolean isTestThread(Seen t) {
        return t.name().isEmpty() && t.stack().stream().anyMatch(f -> f.contains("io.sluice.it."))
                && t.stack().stream().noneMatch(f -> f.contains("io.sluice.") && !f.contains("io.sluice.it."));
    }

    private static List<Seen> all() {
        try {
            Path file = Files.createTempFile("sluice-threads", ".json");
            try {
                Files.delete(file); // dumpThreads refuses to overwrite
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                JsonNode dump = JsonMapper.builder().build().readTree(file.toFile());
                List<Seen> out = new ArrayList<>();
                for (JsonNode container : dump.path("threadDump").path("threadContainers")) {
                    for (JsonNode t : container.path("threads")) {
                        List<String> stack = new ArrayList<>();
                        t.path("stack").forEach(f -> stack.add(f.asString()));
                        out.add(new Seen(Long.parseLong(t.path("tid").asString()), t.path("name").asString(),
                                t.path("virtual").asBoolean(false), stack));
                    }
                }
                return out;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("thread dump", e);
        }
    }
}
