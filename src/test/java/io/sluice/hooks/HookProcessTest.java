package io.sluice.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@Timeout(60)
class HookProcessTest {
    /** Short pauses: restart after 200 ms, SIGKILL 700 ms after SIGTERM. */
    static final HookProcess.Timing FAST = new HookProcess.Timing(Duration.ofMillis(200),
            Duration.ofMillis(700));

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(HookProcess.class);

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    private List<String> lines() {
        return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void runsInItsOwnProcessGroupWithItsVariablesInArgsAndEnvironment() throws Exception {
        Path out = dir.resolve("env");
        CountDownLatch ended = new CountDownLatch(1);
        HookProcess h = new HookProcess("runOnReady cam1", "sh -c 'echo \"arg=$MTX_PATH\"; env > " + out
                + "; echo pgid=$(ps -o pgid= $$); sleep 100'", Map.of("MTX_PATH", "cam1", "RTSP_PORT", "8554"),
                false, FAST, ended::countDown);
        h.start();
        Wait.until(() -> h.pid() > 0 && Files.exists(out) && Files.readString(out).contains("RTSP_PORT"),
                Duration.ofSeconds(10));
        long pid = h.pid();
        assertThat(ProcessGroups.groupOf(pid)).as("pgid of the hook's process").isEqualTo(pid);
        assertThat(Files.readString(out)).contains("MTX_PATH=cam1", "RTSP_PORT=8554", "PATH=");
        Wait.until(() -> lines().stream().anyMatch(l -> l.startsWith("[hook runOnReady cam1] pgid=")),
                Duration.ofSeconds(5));
        assertThat(lines().stream().map(l -> l.replace(" ", ""))).as("the group as ps sees it")
                .contains("[hookrunOnReadycam1]arg=cam1", "[hookrunOnReadycam1]pgid=" + pid);
        h.close();
        assertThat(ended.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.exists(Path.of("/proc/" + pid))).as("leader reaped").isFalse();
    }

    @Test
    void stopEndsTheWholeGroupAndLeavesNoZombieAndNoThread() throws Exception {
        HookProcess h = new HookProcess("runOnInit p", "sh -c 'sleep 100 & sleep 100'", Map.of(), false, FAST,
                () -> { });
        h.start();
        Wait.until(() -> h.process() != null && h.process().descendants().count() == 2, Duration.ofSeconds(10));
        long leader = h.pid();
        List<Long> sleeps = h.process().descendants().map(ProcessHandle::pid).toList();
        Thread hookThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sluice-hook-")).findAny().orElse(null);
        h.close();
        assertThat(Files.exists(Path.of("/proc/" + leader))).as("leader %d reaped by its owner", leader).isFalse();
        for (long pid : sleeps) {
            assertThat(alive(pid)).as("sleep %d dead at once", pid).isFalse();
            // dead children of the killed shell are reparented to init, which reaps them
            Wait.until(() -> !Files.exists(Path.of("/proc/" + pid)), Duration.ofSeconds(10));
        }
        assertThat(ProcessGroups.exists(leader)).as("group %d gone", leader).isFalse();
        assertThat(hookThread == null || !hookThread.isAlive()).isTrue();
        assertThat(h.await(Duration.ZERO)).isTrue();
        assertThat(lines()).anyMatch(l -> l.startsWith("[hook runOnInit p] stopped (status 143)"));
    }

    @Test
    void aGroupThatIgnoresSigtermGetsSigkillAfterTheGrace() throws Exception {
        HookProcess h = new HookProcess("stubborn", "sh -c 'trap \"\" TERM; sleep 100 & sleep 100'", Map.of(),
                false, FAST, () -> { });
        h.start();
        Wait.until(() -> h.process() != null && h.process().descendants().count() == 2, Duration.ofSeconds(10));
        List<Long> all = java.util.stream.Stream.concat(java.util.stream.Stream.of(h.pid()),
                h.process().descendants().map(ProcessHandle::pid)).toList();
        long t0 = System.nanoTime();
        h.close();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("waited the grace, then killed").isBetween(600L, 5000L);
        all.forEach(pid -> assertThat(alive(pid)).as("pid %d", pid).isFalse());
        assertThat(lines()).anyMatch(l -> l.contains("still running 700 ms after SIGTERM: SIGKILL"));
    }

    @Test
    void restartsAfterItExitsWithTheStatusLoggedUntilStopped() throws Exception {
        Path count = dir.resolve("count");
        HookProcess h = new HookProcess("runOnReady r", "sh -c 'echo x >> " + count + "; exit 3'", Map.of(), true,
                FAST, () -> { });
        h.start();
        Wait.until(() -> Files.exists(count) && Files.readAllLines(count).size() >= 3, Duration.ofSeconds(10));
        h.close();
        int runs = Files.readAllLines(count).size();
        Thread.sleep(600);
        assertThat(Files.readAllLines(count)).as("no run after the stop").hasSize(runs);
        assertThat(lines()).filteredOn(l -> l.equals("[hook runOnReady r] exited with status 3")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines()).contains("[hook runOnReady r] restarting in 200 ms");
    }

    @Test
    void aCommandThatCannotStartOrFailsIsLoggedAndEnds() throws Exception {
        CountDownLatch ended = new CountDownLatch(2);
        new HookProcess("missing", "no-such-program-17 -x", Map.of(), false, FAST, ended::countDown).start();
        new HookProcess("quote", "sh -c 'oops", Map.of(), false, FAST, ended::countDown).start();
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lines()).anyMatch(l -> l.startsWith("[hook missing] cannot start: 'no-such-program-17' not found"));
        assertThat(lines()).anyMatch(l -> l.startsWith("[hook quote] cannot start: unterminated ' quote"));
        CountDownLatch failed = new CountDownLatch(1);
        new HookProcess("fails", "sh -c 'echo bad input >&2; exit 7'", Map.of(), false, FAST, failed::countDown)
                .start();
        assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lines()).contains("[hook fails] bad input", "[hook fails] exited with status 7");
    }

    @Test
    void aOneShotCommandsBackgroundJobStaysUntilTheStop() throws Exception {
        Path pidFile = dir.resolve("pid");
        HookProcess h = new HookProcess("runOnUnread x", "sh -c 'sleep 100 & echo $! > " + pidFile + "'", Map.of(),
                false, FAST, () -> { });
        h.start();
        Wait.until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank(), Duration.ofSeconds(10));
        long bg = Long.parseLong(Files.readString(pidFile).strip());
        Wait.until(() -> lines().contains("[hook runOnUnread x] exited with status 0"), Duration.ofSeconds(10));
        Thread.sleep(300);
        assertThat(alive(bg)).as("detached but owned: runs after its command exited").isTrue();
        h.close();
        assertThat(alive(bg)).as("ended by the stop").isFalse();
    }

    @Test
    void credentialsInOutputAndCommandAreMasked() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        new HookProcess("leak", "sh -c 'echo to rtmp://user:s3cret@host/app'", Map.of(), false, FAST,
                ended::countDown).start();
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lines()).noneMatch(l -> l.contains("s3cret"));
        assertThat(lines()).anyMatch(l -> l.startsWith("[hook leak] to rtmp://"));
    }

    @Test
    void mtxQuerySecretsAreMaskedInTheCommandLineAndTheOutputWhereverTheyAppear() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        // the query passed as a plain word, echoed whole, and cut up by the command: no '?' before "token=" for
        // Redact.text to key on, and no query at all around the bare value
        new HookProcess("query", "sh -c 'echo got \"$MTX_QUERY\"; printenv MTX_QUERY | cut -c7-13' $MTX_QUERY",
                Map.of("MTX_QUERY", "token=S3cr3tQ&cam=7&jwt=a%2Bb.c"), false, FAST, ended::countDown).start();
        assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lines()).noneMatch(l -> l.contains("S3cr3tQ") || l.contains("a%2Bb.c") || l.contains("a+b.c"));
        assertThat(lines()).contains("[hook query] got token=***&cam=7&jwt=***", "[hook query] ***");
        assertThat(lines()).anyMatch(l -> l.startsWith("[hook query] started") && l.endsWith("token=***&cam=7&jwt=***"));
        assertThat(HookProcess.secretsOf("pass=p%40ss&user=bob&token=ab")).containsExactly("p%40ss", "p@ss");
    }

    /** Alive and not a zombie. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Polls a condition. */
    static final class Wait {
        interface Check {
            boolean ok() throws Exception;
        }

        static void until(Check c, Duration max) throws Exception {
            long deadline = System.nanoTime() + max.toNanos();
            while (!c.ok()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition not met within " + max);
                }
                Thread.sleep(20);
            }
        }
    }
}
