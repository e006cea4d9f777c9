package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression for "native heap corruption on shutdown" (SIGTERM with SRT targets connecting or
 * forwarding aborted the JVM: malloc(): unsorted double linked list corrupted, status 134) and
 * "SIGTERM during start-up hangs the process for good" (libsrt's cleanup waited for a listener
 * nobody would close). Runs {@code bench/shutdown-stress.sh} on the real server process (the jar and
 * classpath ./sluice uses) with a publisher (ffmpeg), targets of every protocol at real peers
 * (srt-live-transmit, nginx-rtmp, GStreamer's RTSP server) and dead ones (connecting, backoff),
 * SIGTERM at random points, then targets added and removed through the API while they connect.
 * The script fails a round on an exit status other than 0/143, an hs_err file, a glibc or JVM crash
 * report, or no exit within 20 s; here every round must pass, and SIGTERM must have met start-up,
 * connecting, forwarding and backoff states. {@code bench/shutdown-stress.sh ROUNDS} runs it longer.
 * About 3-4 minutes on an idle 2-vCPU machine (each round starts a JVM); on a loaded one it stops
 * starting rounds after {@link #DURATION_S} s. Runs beside the other ITs (its rounds are bounded in time and it
 * asserts no timing), not in the solo phase.
 */
@Timeout(660)
class ShutdownStressIT {
    static final int ROUNDS = 20;
    static final int CHURN = 120;
    /**
     * No round starts after this many seconds: on an idle machine all {@link #ROUNDS} fit (~8 s each);
     * on one shared by several builds a JVM start alone can take 15 s, and fewer rounds run.
     */
    static final int DURATION_S = 240;
    /** Fewer rounds than this (a machine too loaded to test anything) fail the test rather than pass thinly. */
    static final int MIN_ROUNDS = 12;

    @Test
    void sigtermInEveryTargetStateAndTargetChurnNeverCrashOrHang() throws Exception {
        Path script = Path.of(System.getProperty("user.dir"), "bench", "shutdown-stress.sh");
        try (Peer stress = Peer.command("shutdown-stress", Map.of("PEERS", Peer.peersDir().toString(),
                "DURATION_S", Integer.toString(DURATION_S)),
                List.of("timeout", "-k", "10", "600", "bash", script.toString(), Integer.toString(ROUNDS),
                        Integer.toString(CHURN)))) {
            int rc = stress.await(Duration.ofSeconds(620));
            String out = stress.output();
            assertThat(out).as(out).contains("STRESS rounds=");
            assertThat(Integer.parseInt(field(out, "rounds"))).as(out).isGreaterThanOrEqualTo(MIN_ROUNDS);
            assertThat(field(out, "failed")).as(out).isEqualTo("0");
            assertThat(field(out, "hangs")).as(out).isEqualTo("0");
            assertThat(field(out, "crashes")).as(out).isEqualTo("0");
            assertThat(rc).as(out).isZero();
            assertThat(out).as(out).containsPattern("CHURN steps=" + CHURN + " http_errors=0 .* result=ok");
            assertThat(Integer.parseInt(field(out, "startup_rounds"))).as(out).isPositive();
            // SIGTERM met each state at least once across the rounds (the states come from the API)
            String states = out.lines().filter(l -> l.startsWith("STATES_AT_SIGTERM")).findFirst().orElse("");
            assertThat(states).as(out).contains("srt-ok=forwarding", "rtmp-ok=forwarding", "rtsp-ok=forwarding",
                    "srt-dead=connecting", "rtmp-ref=backoff");
        }
    }

    private static String field(String out, String name) {
        Matcher m = Pattern.compile("STRESS .*\\b" + name + "=(\\S+)").matcher(out);
        return m.find() ? m.group(1) : "";
    }
}
